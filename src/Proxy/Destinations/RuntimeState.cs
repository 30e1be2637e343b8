namespace EdgeProxy.Destinations;

/// <summary>What an operator said about a destination (HAProxy's <c>set server … state</c>).</summary>
internal enum RuntimeState
{
    /// <summary>In service, subject to health checks.</summary>
    Ready,

    /// <summary>No new requests (session-affinity ones move too); requests in flight finish.</summary>
    Drain,

    /// <summary>Out of service: no new requests, and shown as in maintenance.</summary>
    Maint,
}
