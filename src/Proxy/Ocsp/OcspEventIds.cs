namespace EdgeProxy.Ocsp;

/// <summary>The OCSP log events, numbered in one place so that no two share an id (as YARP's <c>EventIds</c>).</summary>
internal static class OcspEventIds
{
    public const int CertificateState = 1;
    public const int GoodResponse = 2;
    public const int BadStatus = 3;
    public const int FetchFailed = 4;
    public const int FromDisk = 5;
    public const int UnknownProxyRequest = 6;
    public const int CacheWriteFailed = 7;
    public const int MustStapleWithoutStaple = 8;
}
