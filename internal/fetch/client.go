package fetch

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient returns the HTTP client for URLs taken from untrusted
// certificates (a document anyone may upload names its own OCSP and CRL
// URLs). It refuses to connect to link-local addresses (169.254.0.0/16,
// fe80::/10: cloud metadata services), unspecified and multicast
// addresses, whatever the name resolved to, so that a crafted certificate
// cannot make kyso read them. Loopback and private networks stay
// reachable: a province's own CA usually answers there. It follows no
// redirects: OCSP and CRL services answer directly.
func NewClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: refuseSpecial}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// refuseSpecial runs after name resolution, on the address about to be
// dialled.
func refuseSpecial(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("fetch: %q is not an IP address", host)
	}
	ip = ip.Unmap()
	if ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return fmt.Errorf("fetch: refusing to connect to %s (link-local, multicast or unspecified address)", ip)
	}
	return nil
}
