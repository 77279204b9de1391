package config

import _ "embed"

//go:embed example.toml
var example string

// Example returns a configuration file for a window terminal with a comment
// on every setting, for a technician to copy and edit. It loads and validates
// as it is once its hall key file exists.
func Example() string { return example }
