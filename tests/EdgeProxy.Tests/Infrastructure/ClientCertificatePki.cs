using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// Client certificates made with the <c>openssl</c> command line, as an operator would for Authenticated Origin Pulls:
/// a CA (playing Cloudflare's origin-pull CA, or a zone's own) and client certificates it signs.
/// </summary>
public sealed class ClientCertificatePki
{
    private readonly string _directory;
    private readonly string _name;

    private ClientCertificatePki(string directory, string name)
    {
        _directory = directory;
        _name = name;
    }

    public string CaPath => Path.Combine(_directory, _name + "-ca.crt");

    /// <summary>A new self-signed CA in <paramref name="directory"/>.</summary>
    public static async Task<ClientCertificatePki> CreateAsync(string directory, string name)
    {
        var pki = new ClientCertificatePki(directory, name);
        await OpenSslAsync(directory, $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {name}-ca.key -out {name}-ca.crt -days 30 " +
            $"-subj /CN={name}-origin-pull-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        return pki;
    }

    /// <summary>A client certificate signed by this CA: its PEM files, and the certificate with its key for .NET clients.</summary>
    /// <param name="extensions">More <c>openssl x509 -extfile</c> lines (e.g. <c>authorityInfoAccess=…</c>).</param>
    public async Task<ClientCertificate> IssueAsync(string name, string extensions = "")
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, name + ".ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n" + extensions);
        await OpenSslAsync(_directory, $"req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {name}.key -out {name}.csr -subj /CN={name}");
        await OpenSslAsync(_directory, $"x509 -req -in {name}.csr -CA {_name}-ca.crt -CAkey {_name}-ca.key -CAcreateserial -days 30 -extfile {name}.ext -out {name}.crt");
        var certificatePath = Path.Combine(_directory, name + ".crt");
        var keyPath = Path.Combine(_directory, name + ".key");
        return new ClientCertificate(certificatePath, keyPath, X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
    }

    public sealed record ClientCertificate(string CertificatePath, string KeyPath, X509Certificate2 Certificate)
    {
        /// <summary>SHA-256 fingerprint as <c>openssl x509 -fingerprint -sha256</c> prints it (colon-separated hex).</summary>
        public async Task<string> FingerprintAsync()
        {
            var output = await OpenSslAsync(Path.GetDirectoryName(CertificatePath)!, $"x509 -in {Path.GetFileName(CertificatePath)} -noout -fingerprint -sha256");
            return output.Trim().Split('=')[1];
        }
    }

    private static async Task<string> OpenSslAsync(string directory, string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments} failed: {await stderr}");
        }

        return await stdout;
    }
}
