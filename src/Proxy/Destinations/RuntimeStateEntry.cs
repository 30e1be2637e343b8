namespace EdgeProxy.Destinations;

/// <summary>A destination's runtime state, when it was set and by whom (the peer address of the admin request).</summary>
internal sealed record RuntimeStateEntry(RuntimeState State, DateTimeOffset ChangedAt, string ChangedBy);
