package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// A sealed file is laid out as
//
//	magic (8 bytes) | key id (8 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext and tag
//
// The additional data is magic | key id | name, so the header cannot be
// edited and a file cannot be moved to another name without failing to open.
const (
	magic     = "SSOHVLT1" // "1" is the format version.
	nonceSize = 12
	headerLen = len(magic) + keyIDLen + nonceSize
	tagSize   = 16
)

// sealedFile is a parsed sealed file.
type sealedFile struct {
	keyID      [keyIDLen]byte
	nonce      []byte
	ciphertext []byte
}

// seal encrypts plain for name with k.
func seal(k vaultKey, name string, plain []byte) ([]byte, error) {
	aead, err := newAEAD(k)
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen, headerLen+len(plain)+tagSize)
	copy(out, magic)
	copy(out[len(magic):], k.id[:])
	nonce := out[len(magic)+keyIDLen : headerLen]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("reading random nonce: %w", err)
	}
	return aead.Seal(out, nonce, plain, additionalData(k.id, name)), nil
}

// parseSealed splits a sealed file into its parts. It returns ErrCorrupt for
// anything that is not a sealed file of this format.
func parseSealed(data []byte) (sealedFile, error) {
	if len(data) < headerLen+tagSize || string(data[:len(magic)]) != magic {
		return sealedFile{}, fmt.Errorf("%w: not a sealed ssohelper file", ErrCorrupt)
	}
	var f sealedFile
	copy(f.keyID[:], data[len(magic):])
	f.nonce = data[len(magic)+keyIDLen : headerLen]
	f.ciphertext = data[headerLen:]
	return f, nil
}

// open decrypts f for name with k. It returns ErrCorrupt when the
// authentication fails: the file was altered, or sealed for another name.
func open(k vaultKey, name string, f sealedFile) ([]byte, error) {
	aead, err := newAEAD(k)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, f.nonce, f.ciphertext, additionalData(f.keyID, name))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (the file was altered or belongs to another name)", ErrCorrupt)
	}
	return plain, nil
}

func newAEAD(k vaultKey) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.raw)
	if err != nil {
		return nil, fmt.Errorf("vault key: %w", err)
	}
	return cipher.NewGCM(block)
}

func additionalData(id [keyIDLen]byte, name string) []byte {
	ad := make([]byte, 0, len(magic)+keyIDLen+len(name))
	ad = append(ad, magic...)
	ad = append(ad, id[:]...)
	return append(ad, name...)
}
