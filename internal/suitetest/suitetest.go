// Package suitetest says which crypto suite the tests run under: intl
// unless ONEWINDOW_TEST_SUITE names gm, so that `make test` runs the
// whole-hall and sync tests once more under 国密 (issue 19).
//
// It is test equipment: the onewindow binary must not import it.
package suitetest

import (
	"fmt"
	"os"

	"onewindow/app/suite"
)

// Env is the variable that names the suite.
const Env = "ONEWINDOW_TEST_SUITE"

// Suite is the suite the tests run under.
func Suite() suite.Name {
	n, err := suite.Parse(os.Getenv(Env))
	if err != nil {
		panic(fmt.Sprintf("%s: %v", Env, err))
	}
	return n
}
