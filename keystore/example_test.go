package keystore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ssohelper/ssohelper/keystore"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "keystore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Real code leaves Keyring nil to use the system keyring, and takes Dir
	// from keystore.DefaultDir. The file keyring keeps this example runnable
	// anywhere; it is insecure, so callers must say so when they use it.
	store, err := keystore.New(keystore.Options{
		Dir:     filepath.Join(dir, "data"),
		Keyring: keystore.NewFileKeyring(filepath.Join(dir, "vault-key.json")),
	})
	if err != nil {
		log.Fatal(err)
	}
	if store.Insecure() {
		fmt.Println("warning: the vault key is kept in a plaintext file")
	}

	if err := store.Put(ctx, "tokens/dev", []byte(`{"refresh_token":"redacted"}`)); err != nil {
		log.Fatal(err)
	}
	if err := store.Put(ctx, "secret/dev/client", []byte("client secret")); err != nil {
		log.Fatal(err)
	}
	value, err := store.Get(ctx, "tokens/dev")
	if err != nil {
		log.Fatal(err)
	}
	names, err := store.Names(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(value))
	fmt.Println(names)
	// Output:
	// warning: the vault key is kept in a plaintext file
	// {"refresh_token":"redacted"}
	// [secret/dev/client tokens/dev]
}
