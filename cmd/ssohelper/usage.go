package main

import "fmt"

func usageError(err error) error { return fmt.Errorf("%w: %v (see --help)", errUsage, err) }
