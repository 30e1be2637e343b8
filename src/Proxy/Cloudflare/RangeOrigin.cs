namespace EdgeProxy.Cloudflare;

/// <summary>Where the live Cloudflare list came from.</summary>
internal enum RangeOrigin
{
    /// <summary>The list shipped with this release (no cache file, no successful fetch yet).</summary>
    Snapshot,

    /// <summary>The last accepted list, read from the cache file at start.</summary>
    Cache,

    /// <summary>Fetched from the sources by this process.</summary>
    Live,
}
