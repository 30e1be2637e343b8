using EdgeProxy.Common;

namespace EdgeProxy.Hosting;

/// <summary>
/// The <c>Kestrel</c> keys that are read: Kestrel's endpoint configuration (<c>Endpoints</c>, <c>EndpointDefaults</c>,
/// <c>Certificates</c>) and the limits <see cref="KestrelLimitsSetup"/> applies. Not the properties of
/// <c>KestrelServerOptions</c>: nothing binds them from configuration (a <c>Kestrel:AllowHostHeaderOverride</c> key is
/// silently ignored), so listing them would hide exactly the mistake the warning is for.
/// </summary>
internal static class KestrelSchema
{
    private static readonly ConfigSchema Certificate = ConfigSchema.Object(
        ("Path", ConfigSchema.Value), ("KeyPath", ConfigSchema.Value), ("Password", ConfigSchema.Value),
        ("Subject", ConfigSchema.Value), ("Store", ConfigSchema.Value), ("Location", ConfigSchema.Value), ("AllowInvalid", ConfigSchema.Value));

    private static readonly (string, ConfigSchema)[] Tls =
    [
        ("Protocols", ConfigSchema.Value), ("SslProtocols", ConfigSchema.ListOf(ConfigSchema.Value)), ("ClientCertificateMode", ConfigSchema.Value),
    ];

    private static readonly ConfigSchema Endpoint = ConfigSchema.Object(
        [.. Tls, ("Url", ConfigSchema.Value), ("Certificate", Certificate), ("Sni", ConfigSchema.NamedEntries(ConfigSchema.Object([.. Tls, ("Certificate", Certificate)])))]);

    private static readonly ConfigSchema Limits = ConfigSchema.Object(
        ("RequestHeadersTimeout", ConfigSchema.Value), ("KeepAliveTimeout", ConfigSchema.Value), ("MaxRequestHeadersTotalSize", ConfigSchema.Value),
        ("MaxRequestHeaderCount", ConfigSchema.Value), ("MaxRequestLineSize", ConfigSchema.Value), ("MaxRequestBodySize", ConfigSchema.Value),
        ("MaxConcurrentConnections", ConfigSchema.Value), ("MaxConcurrentUpgradedConnections", ConfigSchema.Value),
        ("Http2", ConfigSchema.Object(("MaxStreamsPerConnection", ConfigSchema.Value))),
        ("MinRequestBodyDataRate", ConfigSchema.Object(("BytesPerSecond", ConfigSchema.Value), ("GracePeriod", ConfigSchema.Value))));

    public static ConfigSchema Kestrel { get; } = ConfigSchema.Object(
        ("Endpoints", ConfigSchema.NamedEntries(Endpoint)),
        ("EndpointDefaults", ConfigSchema.Object(Tls)),
        ("Certificates", ConfigSchema.NamedEntries(Certificate)),
        ("Limits", Limits));
}
