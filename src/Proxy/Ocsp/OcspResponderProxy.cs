namespace EdgeProxy.Ocsp;

/// <summary>
/// Installed as <see cref="HttpClient.DefaultProxy"/>: sends requests for the served certificates' OCSP responders —
/// and nothing else — to <see cref="OcspProxyListener"/>. .NET's TLS stack fetches OCSP responses itself, with a
/// default HTTP handler, and has no API to be given one; going through this proxy is how the stapler's prefetched and
/// cached responses reach it.
/// </summary>
internal sealed class OcspResponderProxy(OcspProxyListener listener, IReadOnlySet<string> responderAuthorities, IWebProxy? previous) : IWebProxy
{
    // The machine proxy's credentials (user:password in HTTPS_PROXY): every other client of the process still needs them.
    public ICredentials? Credentials
    {
        get => previous?.Credentials;
        set
        {
            if (previous is not null)
            {
                previous.Credentials = value;
            }
        }
    }

    public Uri? GetProxy(Uri destination) =>
        IsOurs(destination) ? listener.BaseUri : previous?.GetProxy(destination);

    public bool IsBypassed(Uri host) => !IsOurs(host) && (previous?.IsBypassed(host) ?? true);

    private bool IsOurs(Uri destination) =>
        listener.BaseUri is not null && destination.Scheme == Uri.UriSchemeHttp && responderAuthorities.Contains(destination.Authority);
}
