//! Who the browser is, behind proxies. `X-Forwarded-For` is believed only
//! when the connection comes from a proxy named in `TRUSTED_PROXIES`; then
//! the right-most address that is not one of those proxies is the browser
//! (hops to its left were written by whoever sent the request, and can say
//! anything). Without trusted proxies it is the connection's own address.

use std::net::IpAddr;

use ipnet::IpNet;

/// The browser's address, from the connection's `peer` and the request's
/// `X-Forwarded-For` values.
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut hops = Vec::new();
    for hop in forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(ip) => hops.push(ip),
            // An unreadable hop: nothing left of it can be placed; the proxy is the last known.
            Err(_) => hops.clear(),
        }
    }
    Some(hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied().unwrap_or(peer))
}

/// `TRUSTED_PROXIES`: addresses or networks, separated by commas or spaces.
pub fn parse(text: &str) -> Result<Vec<IpNet>, String> {
    text.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<IpNet>().or_else(|_| s.parse::<IpAddr>().map(IpNet::from)).map_err(|_| format!("'{s}' is not an IP address or network")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_a_trusted_proxy_the_header_is_ignored() {
        assert_eq!(client_ip(Some(ip("203.0.113.9")), &["198.51.100.1"], &[]), Some(ip("203.0.113.9")));
        let trusted = parse("10.0.0.0/8").unwrap();
        assert_eq!(client_ip(Some(ip("203.0.113.9")), &["198.51.100.1"], &trusted), Some(ip("203.0.113.9")), "a peer that is no proxy");
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_browser() {
        let trusted = parse("10.0.0.0/8, 192.0.2.7").unwrap();
        // The browser sent a spoofed hop; the proxies appended the real ones.
        let header = ["1.2.3.4, 198.51.100.20", "192.0.2.7"];
        assert_eq!(client_ip(Some(ip("10.1.1.1")), &header, &trusted), Some(ip("198.51.100.20")));
        assert_eq!(client_ip(Some(ip("10.1.1.1")), &["10.2.2.2"], &trusted), Some(ip("10.2.2.2")), "all proxies: the first");
        assert_eq!(client_ip(Some(ip("10.1.1.1")), &[], &trusted), Some(ip("10.1.1.1")));
        assert_eq!(client_ip(Some(ip("10.1.1.1")), &["not-an-ip, 10.3.3.3"], &trusted), Some(ip("10.3.3.3")));
    }

    #[test]
    fn a_bad_list_is_named() {
        assert_eq!(parse("127.0.0.1 ::1,10.0.0.0/8").unwrap().len(), 3);
        assert!(parse("10.0.0.0/8, proxy.internal").unwrap_err().contains("proxy.internal"));
    }
}
