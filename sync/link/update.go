package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"onewindow/app"
	"onewindow/sync/wire"
)

// ErrNoUpdate means central holds no update newer than the version the
// terminal runs.
var ErrNoUpdate = errors.New("central has no newer update for this terminal")

// FetchUpdate downloads the update package central holds for the machine
// named by file (update.FileName: linux-amd64.owu), as the enrolled
// terminal creds describe: authenticated with its secret, over the TLS it
// pinned. With current set (the version running) central answers with
// ErrNoUpdate instead of a package that is not newer. At most limit bytes
// are read. What comes back is not trusted: app/update verifies its
// signature before anything is installed.
func FetchUpdate(ctx context.Context, creds app.SyncCredentials, file, current string, limit int64, opt Options) (version string, pkg []byte, err error) {
	opt.defaults()
	rc, err := client(creds.Central, creds.CAPEM, opt)
	if err != nil {
		return "", nil, fmt.Errorf("fetch update: %w", err)
	}
	rc.SetAuthToken(creds.Terminal + ":" + creds.Secret)
	req := rc.R().SetPathParam("file", file)
	if current != "" && current != "devel" {
		req.SetQueryParam("current", current)
	}
	rc.SetTimeout(0) // tens of megabytes on a slow WAN: ctx bounds it
	resp, err := req.SetContext(ctx).SetDoNotParseResponse(true).Get(wire.PathUpdates + "{file}")
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		return "", nil, fmt.Errorf("fetch update: %w: %v", ErrOffline, err)
	}
	body := resp.RawBody()
	defer body.Close()
	version = resp.Header().Get(wire.HeaderVersion)
	switch resp.StatusCode() {
	case http.StatusOK:
	case http.StatusNoContent:
		return version, nil, ErrNoUpdate
	default:
		data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
		return "", nil, fmt.Errorf("fetch update: %w", answerErrorBody(resp, data, opt.Clock))
	}
	if pkg, err = readPackage(body, limit); err != nil {
		return "", nil, fmt.Errorf("fetch update: %w", err)
	}
	return version, pkg, nil
}

// FetchMirror downloads an update package from fileURL, a mirror of
// central's: without the terminal's secret (a mirror is not central), over
// TLS pinned to the same CA. Its errors are Probe's. What comes back is not
// trusted: app/update verifies its signature before anything is installed.
func FetchMirror(ctx context.Context, fileURL string, caPEM []byte, limit int64, opt Options) ([]byte, error) {
	opt.defaults()
	rc, err := client(fileURL, caPEM, opt)
	if err != nil {
		return nil, err
	}
	rc.SetTimeout(0) // a large package on a slow WAN: ctx bounds it
	resp, err := rc.R().SetContext(ctx).SetDoNotParseResponse(true).Get(fileURL)
	switch {
	case err != nil && (resp == nil || resp.RawResponse == nil):
		return nil, sortFailure(err)
	case err == nil:
		defer resp.RawBody().Close()
	}
	if resp.StatusCode() != http.StatusOK { // a redirect, too: it is not followed
		return nil, fmt.Errorf("%w: %s answered %s", ErrAnswer, fileURL, resp.Status())
	}
	return readPackage(resp.RawBody(), limit)
}

// readPackage reads at most limit bytes of an update package.
func readPackage(r io.Reader, limit int64) ([]byte, error) {
	pkg, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: the download broke off: %v", ErrOffline, err)
	}
	if int64(len(pkg)) > limit {
		return nil, fmt.Errorf("%w: the package is larger than %d MB: not an update package", ErrAnswer, limit>>20)
	}
	return pkg, nil
}
