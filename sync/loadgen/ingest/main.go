// Command ingest pushes interviews to a running tracer server from another process, as
// many laptops would, and reports what each run cost the server: interviews stored per
// second, the sync and push latency percentiles, errors, and the server process's CPU time
// (user+sys from /proc/PID/stat) per stored interview, with the load average.
//
//	go run ./sync/loadgen/ingest -url URL -pid PID -db SERVER.DB -laptops 32 -interviews 50 -batch 1 -runs 3
//
// Each simulated laptop is its own enumerator account (the server takes one request at a
// time from an account), made with its token in the server's database (-db, on the same
// machine: enrolling hundreds through the API would meet its rate limit); the accounts of
// earlier runs are reused. Records are those of the built-in form, sealed to the server's
// public key (from its key file beside the database) as an enrolled laptop seals them,
// and made before the clock starts. The laptops retry as the real client does. After the runs
// it prints the minimum, median and maximum of each figure.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/loadgen"
)

func main() {
	url := flag.String("url", "", "server base URL")
	pid := flag.Int("pid", 0, "server process id (0: no CPU figure)")
	dbPath := flag.String("db", "", "the server's database, to make the laptops' accounts in")
	laptops := flag.Int("laptops", 32, "laptops pushing at once")
	interviews := flag.Int("interviews", 50, "interviews per laptop")
	batch := flag.Int("batch", 1, "interviews per push")
	pull := flag.Bool("pull", false, "also pull forms, the roster and returns, as a sync does")
	runs := flag.Int("runs", 3, "runs")
	plain := flag.Bool("plain", false, "push records unsealed")
	flag.Parse()
	if *url == "" || *dbPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	cfg := loadgen.Config{URL: *url, Interviews: *interviews, Batch: *batch, Pull: *pull, ServerPID: *pid}
	var err error
	if cfg.Tokens, err = tokens(ctx, *dbPath, *laptops); err != nil {
		log.Fatal(err)
	}
	if !*plain {
		key, err := seal.LoadOrCreate(*dbPath + seal.KeyFileSuffix)
		if err != nil {
			log.Fatal(err)
		}
		if cfg.Seal, err = seal.ParseRecipient(key.Public()); err != nil {
			log.Fatal(err)
		}
	}
	var rate, cpu, p50, p99, load []float64
	for i := range *runs {
		rep, err := loadgen.Run(ctx, cfg)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %v\n", i+1, rep)
		rate = append(rate, rep.PerSecond)
		cpu = append(cpu, float64(rep.CPUPerInterview().Microseconds())/1000)
		p50 = append(p50, rep.Sync.P50.Seconds()*1000)
		p99 = append(p99, rep.Sync.P99.Seconds()*1000)
		load = append(load, rep.Load)
	}
	show := func(name, unit string, v []float64) {
		slices.Sort(v)
		fmt.Printf("%-22s min %.3f  median %.3f  max %.3f %s\n", name, v[0], v[len(v)/2], v[len(v)-1], unit)
	}
	fmt.Printf("%d laptops x %d interviews, batch %d, sealed %v, %s\n", *laptops, *interviews, *batch, cfg.Seal != nil, time.Now().UTC().Format(time.RFC3339))
	show("stored/s", "", rate)
	show("server CPU/interview", "ms", cpu)
	show("sync p50", "ms", p50)
	show("sync p99", "ms", p99)
	show("load average (1 min)", "", load)
}

// tokens returns a token for each of n enumerator accounts load001, load002... made in the
// server database at path.
func tokens(ctx context.Context, path string, n int) ([]string, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	users := sqlite.NewUserStore(db)
	out := make([]string, n)
	for i := range out {
		name := fmt.Sprintf("load%03d", i+1)
		_, code, err := users.CreateUser(ctx, name, survey.RoleEnumerator)
		if survey.ErrorCode(err) == survey.ECONFLICT {
			code, err = users.NewCode(ctx, name)
		}
		if err != nil {
			return nil, err
		}
		if out[i], _, err = users.Enroll(ctx, code, "load"); err != nil {
			return nil, err
		}
	}
	return out, nil
}
