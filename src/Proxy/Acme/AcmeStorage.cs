using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Common;

namespace EdgeProxy.Acme;

/// <summary>
/// <c>DataPath/acme/</c>: the account key, and per certificate its PEM chain and key. Keys are written 0600, everything
/// atomically, so a restart (or a replica sharing the folder) reads a whole certificate or the previous one.
/// </summary>
internal sealed class AcmeStorage(string folder)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Folder { get; } = folder;

    public string AccountKeyPath => Path.Combine(Folder, "account.key");

    public string ChainPath(string certificate) => Path.Combine(Folder, "certificates", certificate + ".pem");

    public string KeyPath(string certificate) => Path.Combine(Folder, "certificates", certificate + ".key");

    /// <summary>The account key, made (P-256, for ES256) and kept on first use.</summary>
    public ECDsa LoadOrCreateAccountKey()
    {
        var key = ECDsa.Create();
        if (File.Exists(AccountKeyPath))
        {
            key.ImportFromPem(File.ReadAllText(AccountKeyPath));
            return key;
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        AtomicFile.WriteAllBytes(AccountKeyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), Private);
        return key;
    }

    /// <summary>The stored chain with its key, or null when there is none (or it is unreadable: ordered anew).</summary>
    public AcmeIssuedCertificate? Load(string certificate)
    {
        var chainPath = ChainPath(certificate);
        var keyPath = KeyPath(certificate);
        if (!File.Exists(chainPath) || !File.Exists(keyPath))
        {
            return null;
        }

        return AcmeIssuedCertificate.FromPem(File.ReadAllText(chainPath), File.ReadAllText(keyPath));
    }

    /// <summary>Key first: a chain never sits beside a key that is not its own for longer than the rename between them.</summary>
    public void Save(string certificate, string chainPem, string keyPem)
    {
        AtomicFile.WriteAllBytes(KeyPath(certificate), System.Text.Encoding.ASCII.GetBytes(keyPem), Private);
        AtomicFile.WriteAllBytes(ChainPath(certificate), System.Text.Encoding.ASCII.GetBytes(chainPem));
    }
}
