# Convenience targets; the scripts work without make.
.PHONY: demo test build bench

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

build:
	CGO_ENABLED=0 go build -o bin/ssohelper ./cmd/ssohelper
