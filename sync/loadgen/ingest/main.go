// Command ingest pushes interviews to a running tracer server from another process, as
// many laptops would, and reports what each run cost the server: interviews stored per
// second, the sync and push latency percentiles, errors, and the server process's CPU time
// (user+sys from /proc/PID/stat) per stored interview, with the load average.
//
//	go run ./sync/loadgen/ingest -url URL -pid PID -code CODE -laptops 32 -interviews 50 -batch 1 -runs 3
//
// CODE is an enrollment code of an enumerator account (tracer user add NAME --role
// enumerator); every simulated laptop pushes as that account. Records are those of the
// built-in form, sealed to the server's public key as an enrolled laptop seals them, and
// made before the clock starts. The laptops retry as the real client does. After the runs
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

	"tracer/survey/seal"
	"tracer/sync/client"
	"tracer/sync/loadgen"
)

func main() {
	url := flag.String("url", "", "server base URL")
	pid := flag.Int("pid", 0, "server process id (0: no CPU figure)")
	code := flag.String("code", "", "enrollment code of an enumerator account")
	laptops := flag.Int("laptops", 32, "laptops pushing at once")
	interviews := flag.Int("interviews", 50, "interviews per laptop")
	batch := flag.Int("batch", 1, "interviews per push")
	pull := flag.Bool("pull", false, "also pull forms, the roster and returns, as a sync does")
	runs := flag.Int("runs", 3, "runs")
	plain := flag.Bool("plain", false, "push records unsealed")
	flag.Parse()
	if *url == "" || *code == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	c, err := client.NewClient(*url)
	if err != nil {
		log.Fatal(err)
	}
	en, err := c.Enroll(ctx, *code, "ingest", "")
	if err != nil {
		log.Fatal(err)
	}
	cfg := loadgen.Config{URL: *url, Interviews: *interviews, Batch: *batch, Pull: *pull, ServerPID: *pid}
	for range *laptops {
		cfg.Tokens = append(cfg.Tokens, en.Token)
	}
	if en.PublicKey != "" && !*plain {
		if cfg.Seal, err = seal.ParseRecipient(en.PublicKey); err != nil {
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
