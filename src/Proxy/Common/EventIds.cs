namespace EdgeProxy.Common;

/// <summary>Every log event of the proxy, numbered in one place so that no two share an id (as YARP's <c>EventIds</c>).</summary>
internal static class EventIds
{
    // ReverseProxy: the configuration file
    public const int ConfigWatcherError = 101;
    public const int ConfigReloadFailed = 102;
    public const int ConfigApplied = 103;
    public const int ConfigRejected = 104;
    public const int ConfigReadFailed = 105;
    public const int ConfigUpstreamError = 106;
    public const int ConfigRestartRequired = 107;
    public const int ConfigWarning = 108;
    public const int ConfigLoosened = 109;

    // Admin and first run
    public const int AdminExposed = 161;
    public const int FirstRunCertificateExposed = 162;
    public const int ReadinessDegraded = 163;
    public const int ReadinessRecovered = 164;

    // Shutdown
    public const int ShutdownDraining = 151;
    public const int ShutdownForced = 152;

    // Cloudflare ranges
    public const int CloudflareInitial = 201;
    public const int CloudflareCacheUnusable = 202;
    public const int CloudflareAccepted = 203;
    public const int CloudflareRejected = 204;
    public const int CloudflareCacheWriteFailed = 205;
    public const int CloudflareStale = 206;

    // TLS and certificates
    public const int TlsCertificateExpiresSoon = 301;
    public const int TlsCertificateRenewed = 302;
    public const int TlsRenewedCertificateUnusable = 303;
    public const int TlsFirstRunCertificateCreated = 304;
    public const int TlsFirstRunCertificateUsed = 305;

    // OCSP stapling
    public const int OcspCertificateState = 401;
    public const int OcspGoodResponse = 402;
    public const int OcspBadStatus = 403;
    public const int OcspFetchFailed = 404;
    public const int OcspFromDisk = 405;
    public const int OcspUnknownProxyRequest = 406;
    public const int OcspCacheWriteFailed = 407;
    public const int OcspMustStapleWithoutStaple = 408;

    // Access control: policies, htpasswd files, rate limits
    public const int HtpasswdReloaded = 501;
    public const int HtpasswdRejected = 502;
    public const int HtpasswdWatcherError = 503;
    public const int AccessRefused = 504;
    public const int AccessLockedOut = 505;

    // Access log and syslog
    public const int AccessLogFileFailed = 601;
    public const int SyslogConnectFailed = 602;
    public const int SyslogConnected = 603;
    public const int KestrelConnectionFailed = 604;
    public const int KestrelConnectionEnded = 605;

    // PROXY protocol listeners
    public const int ProxyProtocolRefused = 701;

    // Connections
    public const int ConnectionStormMemoryReleased = 801;
    public const int ConnectionsReclaimedForMemory = 771;

    // Tracing (OpenTelemetry)
    public const int TracingEnabled = 741;
    public const int TracingExportFailed = 742;
    public const int TracingExportRecovered = 743;

    // Destinations: runtime states (drain, maintenance) set through the admin listener
    public const int DestinationStateChanged = 721;
    public const int DestinationStateFileUnreadable = 722;
    public const int DestinationStateFileWriteFailed = 723;
    public const int DestinationStateForgotten = 724;
    public const int DestinationStateRestored = 725;
    public const int AdminWriteRefused = 726;

    // ACME certificates
    public const int AcmeServingStored = 761;
    public const int AcmeStoredUnusable = 762;
    public const int AcmeOrdering = 763;
    public const int AcmeIssued = 764;
    public const int AcmeOrderFailed = 765;
    public const int AcmeDnsRecord = 766;
    public const int AcmeDnsCleanupFailed = 767;
}
