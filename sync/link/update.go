package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"onewindow/app/store"
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
func FetchUpdate(ctx context.Context, creds store.SyncCredentials, file, current string, limit int64, opt Options) (version string, pkg []byte, err error) {
	opt.defaults()
	rc, err := client(creds.Central, creds.CAPEM, opt)
	if err != nil {
		return "", nil, fmt.Errorf("fetch update: %w", err)
	}
	rc.SetAuthToken(creds.Terminal + ":" + creds.Secret)
	rc.SetTimeout(0) // tens of megabytes on a slow WAN: ctx bounds it
	req := rc.R().SetContext(ctx).SetDoNotParseResponse(true).SetPathParam("file", file)
	if current != "" && current != "devel" {
		req.SetQueryParam("current", current)
	}
	resp, err := req.Get(wire.PathUpdates + "{file}")
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
	pkg, err = io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return "", nil, fmt.Errorf("fetch update: %w: the download broke off: %v", ErrOffline, err)
	}
	if int64(len(pkg)) > limit {
		return "", nil, fmt.Errorf("fetch update: central's package is larger than %d MB: not an update package", limit>>20)
	}
	return version, pkg, nil
}
