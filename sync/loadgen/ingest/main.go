// Command ingest pushes interviews to a running tracer server from another process, as
// many laptops would, and reports what each run cost the server: interviews stored per
// second, the sync and push latency percentiles, errors, and the server process's CPU time
// (user+sys from /proc/PID/stat) per stored interview, with the load average.
//
//	go run ./sync/loadgen/ingest -url URL -pid PID -db SERVER.DB -laptops 32 -interviews 50 -batch 1 -runs 3
//
// Several servers on one PostgreSQL database: -url and -pid take comma-separated lists
// (laptops are spread across the URLs), -db the postgres:// URL with -data the servers'
// data folder (their keys), and -dbpid the postmaster's process id, whose CPU time with its
// children's is reported beside the servers'.
//
// Each simulated laptop is its own enumerator account (the server takes one request at a
// time from an account), made with its token in the server's database (-db, on the same
// machine: enrolling hundreds through the API would meet its rate limit); the accounts of
// earlier runs are reused. Records are those of the built-in form, sealed to the server's
// public key (from its key file beside the database) as an enrolled laptop seals them,
// and made before the clock starts. The laptops retry as the real client does. After the runs
// it prints the minimum, median and maximum of each figure.
//
// With -laptopdir DIR each laptop is a real laptop database in a new folder under DIR
// (removed after each run), its interviews finalized there before the clock starts, and its
// sync is the real client's whole sync (client.Sync with the retry policy of "tracer
// sync"): the forms list, the outbox pushed in batches, each receipt recorded on the
// laptop, then forms, roster, waves, attempts, returns and approvals pulled.
//
// With -collect URL the senders are ODK Collect phones instead, all on the Collect URL of
// one account ("tracer user collect NAME --url URL"), as the phones of a centre share one:
// -laptops phones send -interviews submissions each over OpenRosa, one at a time per
// phone, each a copy of the XML instance of -instance with a new instanceID (no -db):
//
//	go run ./sync/loadgen/ingest -collect COLLECT_URL -pid PID -laptops 8 -interviews 50 -runs 3
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/postgres"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/loadgen"
)

func main() {
	url := flag.String("url", "", "server base URL, or several separated by commas")
	pidList := flag.String("pid", "", "server process id, or several separated by commas (none: no CPU figure)")
	dbPath := flag.String("db", "", "the server's database (a file or a postgres:// URL), to make the laptops' accounts in")
	dataDir := flag.String("data", "", "with a postgres:// -db: the servers' data folder, holding postgres.age and postgres.key")
	dbPID := flag.Int("dbpid", 0, "the database server's main process id (PostgreSQL's postmaster), for its CPU time")
	laptops := flag.Int("laptops", 32, "laptops pushing at once")
	interviews := flag.Int("interviews", 50, "interviews per laptop")
	batch := flag.Int("batch", 1, "interviews per push")
	pull := flag.Bool("pull", false, "also pull forms, the roster and returns, as a sync does")
	runs := flag.Int("runs", 3, "runs")
	plain := flag.Bool("plain", false, "push records unsealed")
	sealing := flag.String("seal", "session", "how laptops seal: \"session\", one key exchange per laptop, as a laptop enrolled with this server does, or \"record\", one per record, as a laptop enrolled with an older server does")
	laptopDir := flag.String("laptopdir", "", "make each laptop a real laptop database in a new folder under this one and sync it as \"tracer sync\" does (pushes, retries, every pull)")
	newLaptops := flag.Bool("newlaptops", false, "with -laptopdir: laptops that hold no form yet, as at their first sync, download every form in the timed sync (otherwise they hold the forms their interviews were filled in)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the laptops (this process) during the timed part of the last run to this file")
	collect := flag.String("collect", "", "send OpenRosa submissions as ODK Collect phones to this Collect URL (.../v1/key/TOKEN) instead of laptop pushes; -laptops is the phones, -interviews the submissions of each")
	instance := flag.String("instance", "sync/server/testdata/openrosa/collect-submission.http", "with -collect: the XML instance each submission copies (an .http file's first <?xml ...</data>)")
	flag.Parse()
	if *collect != "" {
		runCollect(*collect, *instance, *pidList, *laptops, *interviews, *runs)
		return
	}
	if *url == "" || *dbPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	cfg := loadgen.Config{URLs: strings.Split(*url, ","), Interviews: *interviews, Batch: *batch, Pull: *pull, DatabasePID: *dbPID, LaptopDir: *laptopDir, NewLaptops: *newLaptops}
	for _, p := range strings.Split(*pidList, ",") {
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			log.Fatalf("-pid %q: %v", p, err)
		}
		cfg.ServerPIDs = append(cfg.ServerPIDs, n)
	}
	keyPath := *dbPath + seal.KeyFileSuffix
	var users survey.UserStore
	if postgres.IsURL(*dbPath) {
		codeKey, err := os.ReadFile(filepath.Join(*dataDir, "postgres.key"))
		if err != nil {
			log.Fatal(err)
		}
		db, err := postgres.Open(ctx, *dbPath, postgres.WithCodeKey(codeKey))
		if err != nil {
			log.Fatal(err)
		}
		defer db.Close()
		users, keyPath = postgres.NewUserStore(db), filepath.Join(*dataDir, "postgres"+seal.KeyFileSuffix)
	} else {
		db, err := sqlite.Open(ctx, *dbPath)
		if err != nil {
			log.Fatal(err)
		}
		defer db.Close()
		users = sqlite.NewUserStore(db)
	}
	var err error
	if cfg.Tokens, err = tokens(ctx, users, *laptops); err != nil {
		log.Fatal(err)
	}
	if !*plain {
		key, err := seal.LoadOrCreate(keyPath)
		if err != nil {
			log.Fatal(err)
		}
		r, err := seal.ParseRecipient(key.Public())
		if err != nil {
			log.Fatal(err)
		}
		switch *sealing {
		case "session":
			cfg.Seal = func() (survey.Sealer, error) { return seal.NewSession(r) }
		case "record":
			cfg.Seal = func() (survey.Sealer, error) { return r, nil }
		default:
			log.Fatalf("-seal %q: \"session\" or \"record\"", *sealing)
		}
	}
	var rate, cpu, dbcpu, p50, p99, pmax, load, errs []float64
	var laptopsCPU []float64
	for i := range *runs {
		if *cpuProfile != "" && i == *runs-1 {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				log.Fatal(err)
			}
			defer f.Close()
			cfg.CPUProfile = f
		}
		rep, err := loadgen.Run(ctx, cfg)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %v\n", i+1, rep)
		rate = append(rate, rep.PerSecond)
		cpu = append(cpu, float64(rep.CPUPerInterview().Microseconds())/1000)
		if rep.Stored > 0 {
			dbcpu = append(dbcpu, float64((rep.DatabaseCPU/time.Duration(rep.Stored)).Microseconds())/1000)
		}
		p50 = append(p50, rep.Sync.P50.Seconds()*1000)
		p99 = append(p99, rep.Sync.P99.Seconds()*1000)
		pmax = append(pmax, rep.Sync.Max.Seconds()*1000)
		errs = append(errs, float64(rep.Errors))
		if rep.LaptopsCPU > 0 {
			laptopsCPU = append(laptopsCPU, rep.LaptopsCPU.Seconds())
		}
		load = append(load, rep.Load)
	}
	fmt.Printf("%d laptops x %d interviews, batch %d, sealed %v (%s), full sync %v (new laptops %v), %d servers, %s\n", *laptops, *interviews, *batch, cfg.Seal != nil, *sealing, cfg.LaptopDir != "", *newLaptops, len(cfg.URLs), time.Now().UTC().Format(time.RFC3339))
	show("stored/s", "", rate)
	show("server CPU/interview", "ms", cpu)
	if *dbPID != 0 {
		show("database CPU/interview", "ms", dbcpu)
	}
	show("laptops' CPU", "s", laptopsCPU)
	show("sync p50", "ms", p50)
	show("sync p99", "ms", p99)
	show("sync max", "ms", pmax)
	show("errors", "", errs)
	show("load average (1 min)", "", load)
}

// show prints the minimum, median and maximum of the figures v.
func show(name, unit string, v []float64) {
	if len(v) == 0 {
		return
	}
	slices.Sort(v)
	fmt.Printf("%-22s min %.3f  median %.3f  max %.3f %s\n", name, v[0], v[len(v)/2], v[len(v)-1], unit)
}

// runCollect makes the runs of -collect and prints each and the summary.
func runCollect(url, instanceFile, pid string, phones, submissions, runs int) {
	doc, err := os.ReadFile(instanceFile)
	if err != nil {
		log.Fatal(err)
	}
	if i := bytes.Index(doc, []byte("<?xml")); i >= 0 {
		doc = doc[i:]
	}
	if i := bytes.LastIndex(doc, []byte("</data>")); i >= 0 {
		doc = doc[:i+len("</data>")]
	}
	cfg := loadgen.CollectConfig{URL: url, Phones: phones, Submissions: submissions, Instance: doc}
	if pid != "" {
		if cfg.ServerPID, err = strconv.Atoi(pid); err != nil {
			log.Fatalf("-pid %q: %v", pid, err)
		}
	}
	var rate, cpu, p50, p99, pmax, load, errs []float64
	for i := range runs {
		rep, err := loadgen.RunCollect(context.Background(), cfg)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %v\n", i+1, rep)
		rate = append(rate, rep.PerSecond)
		cpu = append(cpu, float64(rep.CPUPerInterview().Microseconds())/1000)
		p50 = append(p50, rep.Push.P50.Seconds()*1000)
		p99 = append(p99, rep.Push.P99.Seconds()*1000)
		pmax = append(pmax, rep.Push.Max.Seconds()*1000)
		errs = append(errs, float64(rep.Errors))
		load = append(load, rep.Load)
	}
	fmt.Printf("%d phones x %d submissions (OpenRosa), %s\n", phones, submissions, time.Now().UTC().Format(time.RFC3339))
	show("stored/s", "", rate)
	show("server CPU/submission", "ms", cpu)
	show("submission p50", "ms", p50)
	show("submission p99", "ms", p99)
	show("submission max", "ms", pmax)
	show("errors", "", errs)
	show("load average (1 min)", "", load)
}

// tokens returns a token for each of n enumerator accounts load001, load002... made in the
// server's account store.
func tokens(ctx context.Context, users survey.UserStore, n int) ([]string, error) {
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
