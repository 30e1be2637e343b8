using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// A root → intermediate → leaf PKI whose leaves name an OCSP responder on 127.0.0.1, and that responder: a loopback
/// HTTP server answering each request with <c>openssl ocsp -reqin … -respout …</c> (<c>openssl ocsp -port</c> would
/// listen on every interface). Tests can take it down, bring it back and revoke certificates.
/// </summary>
public sealed class OcspTestPki : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly ECDsa _intermediateKey;
    private readonly List<string> _index = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication _app = null!;

    private OcspTestPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = CaRequest("CN=EdgeProxy Test Root", rootKey);
        _root = rootRequest.CreateSelfSigned(now.AddDays(-2), now.AddYears(2));

        _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = CaRequest("CN=EdgeProxy Test Intermediate", _intermediateKey);
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        using var intermediate = intermediateRequest.Create(_root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), now.AddDays(-1), now.AddYears(1), [0x11, 0x22]);
        _intermediate = X509CertificateLoader.LoadCertificate(intermediate.RawData);

        System.IO.File.WriteAllText(File("intermediate.pem"), _intermediate.ExportCertificatePem());
        System.IO.File.WriteAllText(File("intermediate.key"), _intermediateKey.ExportPkcs8PrivateKeyPem());
        WriteSigner(OcspSigner.Delegated, "CN=EdgeProxy Test OCSP Responder", ocspSigning: true, selfSigned: false, now);
        WriteSigner(OcspSigner.DelegatedWithoutOcspSigning, "CN=EdgeProxy Test Not A Responder", ocspSigning: false, selfSigned: false, now);
        WriteSigner(OcspSigner.Stranger, _intermediate.Subject, ocspSigning: true, selfSigned: true, now); // same name, other key
        System.IO.File.WriteAllText(File("root.pem"), _root.ExportCertificatePem());
    }

    public Uri ResponderUri { get; private set; } = null!;

    public string RootPath => File("root.pem");

    /// <summary>Who signs the answers: the issuer itself (default), a delegated responder, or a forger.</summary>
    public OcspSigner Signer { get; set; } = OcspSigner.Issuer;

    /// <summary>When false the responder answers 503, as a responder that is down behind a load balancer would.</summary>
    public bool Available { get; set; } = true;

    public int RequestsServed;

    public int RequestsReceived;

    /// <summary>How long each answer is held back, as a slow responder would.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>How long answers are valid (openssl's -nmin); null: one day.</summary>
    public int? ValidityMinutes { get; set; }

    public static async Task<OcspTestPki> StartAsync()
    {
        var pki = new OcspTestPki();
        (pki._app, pki.ResponderUri) = await LoopbackApp.StartAsync(pki.AnswerAsync);
        return pki;
    }

    /// <summary>
    /// A leaf for <paramref name="dnsName"/> written as a full chain (leaf, intermediate, root) and key; with an OCSP URL
    /// pointing at this responder unless <paramref name="withOcspUrl"/> is false; Must-Staple on request.
    /// </summary>
    public TestCertificates.PemFiles IssueLeaf(string directory, string name, string dnsName, bool withOcspUrl = true, bool mustStaple = false, bool fullChain = true)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = RSA.Create(2048);
        var request = TestCertificates.IssuedLeafRequest(dnsName, key, _intermediate);
        if (withOcspUrl)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([ResponderUri.ToString()], null));
        }

        if (mustStaple)
        {
            // TLS Feature (RFC 7633) listing status_request (5).
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.5.5.7.1.24", [0x30, 0x03, 0x02, 0x01, 0x05], false));
        }

        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7f;
        using var leaf = request.Create(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(_intermediateKey), now.AddDays(-1), now.AddDays(60), serial);
        lock (_index)
        {
            _index.Add(IndexLine('V', leaf, null));
        }

        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        var chain = fullChain ? leaf.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n" + _root.ExportCertificatePem() : leaf.ExportCertificatePem();
        System.IO.File.WriteAllText(certificatePath, chain);
        System.IO.File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificates.PemFiles(certificatePath, keyPath, X509CertificateLoader.LoadCertificate(leaf.RawData));
    }

    public void Revoke(X509Certificate2 leaf)
    {
        lock (_index)
        {
            var serial = leaf.SerialNumber;
            var i = _index.FindIndex(l => l.Split('\t')[3] == serial);
            _index[i] = IndexLine('R', leaf, DateTimeOffset.UtcNow.AddMinutes(-1));
        }
    }

    private static string IndexLine(char status, X509Certificate2 leaf, DateTimeOffset? revokedAt) =>
        $"{status}\t{leaf.NotAfter.ToUniversalTime():yyMMddHHmmss}Z\t{(revokedAt is { } r ? r.UtcDateTime.ToString("yyMMddHHmmss") + "Z" : "")}\t{leaf.SerialNumber}\tunknown\t/{leaf.Subject}";

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref RequestsReceived);
        if (!Available)
        {
            context.Response.StatusCode = 503;
            return;
        }

        byte[] request;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            request = body.ToArray();
        }
        else
        {
            request = Convert.FromBase64String(Uri.UnescapeDataString(context.Request.Path.Value!.TrimStart('/')));
        }

        await Task.Delay(AnswerDelay);
        await _gate.WaitAsync();
        try
        {
            var id = Guid.NewGuid().ToString("N");
            var requestPath = File($"{id}.req");
            var responsePath = File($"{id}.resp");
            await System.IO.File.WriteAllBytesAsync(requestPath, request);
            lock (_index)
            {
                System.IO.File.WriteAllText(File("index.txt"), string.Join("\n", _index) + "\n");
                System.IO.File.WriteAllText(File("index.txt.attr"), "unique_subject = no\n"); // a renewal keeps its subject
            }

            var start = new ProcessStartInfo("openssl",
                $"ocsp -index {File("index.txt")} -CA {File("intermediate.pem")} -rsigner {File(SignerName + ".pem")} -rkey {File(SignerName + ".key")} -reqin {requestPath} -respout {responsePath} {(ValidityMinutes is { } minutes ? $"-nmin {minutes}" : "-ndays 1")}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["OPENSSL_CONF"] = "/dev/null";
            using var process = Process.Start(start)!;
            await process.StandardOutput.ReadToEndAsync();
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            context.Response.ContentType = "application/ocsp-response";
            await context.Response.Body.WriteAsync(await System.IO.File.ReadAllBytesAsync(responsePath));
            Interlocked.Increment(ref RequestsServed);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string SignerName => Signer == OcspSigner.Issuer ? "intermediate" : Signer.ToString();

    private void WriteSigner(OcspSigner signer, string subject, bool ocspSigning, bool selfSigned, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (ocspSigning)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.9")], false));
        }

        using var certificate = selfSigned
            ? request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1))
            : request.Create(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(_intermediateKey), now.AddDays(-1), now.AddYears(1), RandomNumberGenerator.GetBytes(8));
        System.IO.File.WriteAllText(File(signer + ".pem"), certificate.ExportCertificatePem());
        System.IO.File.WriteAllText(File(signer + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    private static CertificateRequest CaRequest(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private string File(string name) => Path.Combine(_directory.Path, name);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _intermediateKey.Dispose();
        _directory.Dispose();
    }
}

/// <summary>Who signs the test responder's answers.</summary>
public enum OcspSigner
{
    Issuer,
    Delegated,
    DelegatedWithoutOcspSigning,
    Stranger,
}
