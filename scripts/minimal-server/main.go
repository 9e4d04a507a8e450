// Command minimal-server is the baseline of scripts/bench.sh for the
// plugin bridge: the smallest net/http handler returning the same bytes
// as the bridge's token endpoint, on a loopback port.
//
//	minimal-server PORT FILE
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: minimal-server PORT FILE")
	}
	body, err := os.ReadFile(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/v1/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], nil))
}
