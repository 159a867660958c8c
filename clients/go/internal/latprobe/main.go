package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func main() {
	target := flag.String("target", "127.0.0.1:7420", "")
	token := flag.String("token", "", "")
	n := flag.Int("n", 2000, "")
	flag.Parse()
	ctx := context.Background()
	c, err := cairn.Dial(ctx, *target, cairn.WithToken(*token), cairn.WithInsecure())
	if err != nil {
		panic(err)
	}
	spec := &cairnv1.WorkflowSpec{Name: "probe", Steps: []*cairnv1.StepSpec{{Id: "only", Command: &cairnv1.StepSpec_Argv{Argv: &cairnv1.Argv{Args: []string{"true"}}}}}}
	measure := func(what string, f func()) {
		for i := 0; i < *n; i++ {
			f()
		}
		lat := make([]time.Duration, *n)
		for i := range lat {
			s := time.Now()
			f()
			lat[i] = time.Since(s)
		}
		sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
		fmt.Printf("%s: p50 %v p99 %v\n", what, lat[*n/2], lat[*n*99/100])
	}
	measure("submit", func() {
		if _, err := c.Submit(ctx, spec, ""); err != nil {
			panic(err)
		}
	})
	measure("getrun-missing", func() {
		c.Service().GetRun(ctx, &cairnv1.GetRunRequest{RunId: "nope"})
	})
}
