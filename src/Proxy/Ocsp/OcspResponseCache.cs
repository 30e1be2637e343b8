using System.Security.Cryptography;
using EdgeProxy.Common;

namespace EdgeProxy.Ocsp;

/// <summary>
/// The last usable response per certificate on disk (named by the leaf's SHA-256), so that a restart while the
/// responder is down still staples. Written atomically (temp file + rename): a crash never leaves half a response.
/// </summary>
internal sealed partial class OcspResponseCache(string directory, ILogger<OcspResponseCache> logger)
{
    public string DirectoryPath { get; } = directory;

    public string PathOf(OcspCertificate certificate) =>
        Path.Combine(DirectoryPath, certificate.Leaf.GetCertHashString(HashAlgorithmName.SHA256) + ".der");

    /// <summary>The kept response, unchecked (the stapler decides whether it is still usable), or null when there is none.</summary>
    public byte[]? Read(OcspCertificate certificate)
    {
        var path = PathOf(certificate);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Keeps <paramref name="response"/>; a failure is logged and otherwise ignored (stapling goes on from memory).</summary>
    public void Save(OcspCertificate certificate, byte[] response)
    {
        try
        {
            AtomicFile.WriteAllBytes(PathOf(certificate), response);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(DirectoryPath, ex.Message);
        }
    }

    [LoggerMessage(EventId = EventIds.OcspCacheWriteFailed, EventName = "OcspCacheWriteFailed", Level = LogLevel.Warning, Message = "Could not keep OCSP responses in {Directory}: {Reason}")]
    private partial void LogWriteFailed(string directory, string reason);
}
