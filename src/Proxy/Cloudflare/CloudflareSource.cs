using System.Net.Sockets;

namespace EdgeProxy.Cloudflare;

/// <summary>One configured source and what its answer must look like.</summary>
internal sealed record CloudflareSource(Uri Url, bool IsJsonApi, AddressFamily? Family)
{
    public string ExpectedMediaType => IsJsonApi ? "application/json" : "text/plain";

    public static CloudflareSource FromUrl(string url)
    {
        var uri = new Uri(url, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/client/v4/ips", StringComparison.OrdinalIgnoreCase))
        {
            return new CloudflareSource(uri, true, null);
        }

        AddressFamily? family = path.EndsWith("v4", StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetwork
            : path.EndsWith("v6", StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetworkV6
            : null;
        return new CloudflareSource(uri, false, family);
    }

    public override string ToString() => Url.ToString();
}
