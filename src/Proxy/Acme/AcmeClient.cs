using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeProxy.Acme;

/// <summary>
/// The RFC 8555 conversation with one CA for one account: directory, nonces (with the badNonce retry §6.5 asks for),
/// account, order, authorizations, challenges, finalization with a CSR, and the PEM chain. One order at a time.
/// </summary>
internal sealed class AcmeClient(HttpClient http, Uri directoryUrl, AcmeJws account, string? email)
{
    private const int MaxBadNonceRetries = 5;
    private static readonly TimeSpan DefaultPollDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMinutes(3);

    private AcmeDirectory? _directory;
    private string? _nonce;
    private string? _kid;

    public AcmeJws Account => account;

    /// <summary>The account URL once registered.</summary>
    public string? AccountUrl => _kid;

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            return _directory;
        }

        using var response = await http.GetAsync(directoryUrl, cancellationToken);
        await EnsureSuccessAsync(response, $"GET {directoryUrl}", cancellationToken);
        return _directory = await ReadAsync(response, AcmeJsonContext.Default.AcmeDirectory, cancellationToken);
    }

    /// <summary>Registers the account (or finds it again: the same key answers with the existing account's URL).</summary>
    public async Task EnsureAccountAsync(CancellationToken cancellationToken)
    {
        if (_kid is not null)
        {
            return;
        }

        var directory = await GetDirectoryAsync(cancellationToken);
        var request = new AcmeAccountRequest(true, email is null ? null : [$"mailto:{email}"]);
        using var response = await PostAsync(directory.NewAccount, Json(request, AcmeJsonContext.Default.AcmeAccountRequest), useJwk: true, cancellationToken);
        _kid = response.Headers.Location?.ToString() ?? throw new AcmeProblemException("the CA's newAccount answer has no Location (account URL)");
    }

    /// <summary>Orders a certificate for <paramref name="names"/> with <paramref name="key"/> and returns its PEM chain (leaf first).</summary>
    public async Task<string> OrderAsync(IReadOnlyList<string> names, AsymmetricAlgorithm key, IAcmeChallengeResponder responder, CancellationToken cancellationToken)
    {
        await EnsureAccountAsync(cancellationToken);
        var directory = await GetDirectoryAsync(cancellationToken);
        var request = new AcmeOrderRequest([.. names.Select(n => new AcmeIdentifier("dns", n))]);
        string orderUrl;
        AcmeOrder order;
        using (var response = await PostAsync(directory.NewOrder, Json(request, AcmeJsonContext.Default.AcmeOrderRequest), useJwk: false, cancellationToken))
        {
            orderUrl = response.Headers.Location?.ToString() ?? throw new AcmeProblemException("the CA's newOrder answer has no Location (order URL)");
            order = await ReadAsync(response, AcmeJsonContext.Default.AcmeOrder, cancellationToken);
        }

        foreach (var authorizationUrl in order.Authorizations)
        {
            await AuthorizeAsync(authorizationUrl, names, responder, cancellationToken);
        }

        order = await PollAsync(orderUrl, AcmeJsonContext.Default.AcmeOrder, o => o.Status is "pending" or "processing", cancellationToken);
        if (order.Status == "ready")
        {
            var csr = CreateSigningRequest(names, key);
            using var _ = await PostAsync(order.Finalize, Json(new AcmeFinalizeRequest(AcmeJws.Base64Url(csr)), AcmeJsonContext.Default.AcmeFinalizeRequest), useJwk: false, cancellationToken);
            order = await PollAsync(orderUrl, AcmeJsonContext.Default.AcmeOrder, o => o.Status is "processing" or "ready", cancellationToken);
        }

        if (order.Status != "valid" || order.Certificate is null)
        {
            throw new AcmeProblemException($"the order for {string.Join(", ", names)} ended '{order.Status}'{Describe(order.Error)}", order.Error?.Type);
        }

        using var certificate = await PostAsync(order.Certificate, null, useJwk: false, cancellationToken, accept: "application/pem-certificate-chain");
        return await certificate.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task AuthorizeAsync(string authorizationUrl, IReadOnlyList<string> names, IAcmeChallengeResponder responder, CancellationToken cancellationToken)
    {
        var authorization = await PostAsGetAsync(authorizationUrl, AcmeJsonContext.Default.AcmeAuthorization, cancellationToken);
        if (authorization.Status == "valid")
        {
            return; // proven recently for this account: the CA reuses it
        }

        var name = authorization.Identifier.Value;
        // Only names of this order are proven (a wildcard's authorization names its base): a CA cannot make the proxy
        // publish a challenge, or a DNS record, for anything else.
        if (!names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase) || string.Equals(n, "*." + name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AcmeProblemException($"the CA asked to prove '{name}', which is not in the order ({string.Join(", ", names)})");
        }

        if (authorization.Status != "pending")
        {
            throw new AcmeProblemException($"the authorization for {name} is '{authorization.Status}'");
        }

        var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == responder.Type)
            ?? throw new AcmeProblemException($"the CA offers no {responder.Type} challenge for {name} (it offers {string.Join(", ", authorization.Challenges.Select(c => c.Type))})") { Permanent = true };
        var token = challenge.Token is { Length: > 0 } t && AcmeJws.IsBase64Url(t) ? t
            : throw new AcmeProblemException($"the {responder.Type} challenge for {name} has no token, or one that is not base64url (RFC 8555 8.3)");
        var keyAuthorization = account.KeyAuthorization(token);
        try
        {
            await responder.PrepareAsync(name, token, keyAuthorization, cancellationToken);
            using (await PostAsync(challenge.Url, "{}"u8.ToArray(), useJwk: false, cancellationToken))
            {
            }

            authorization = await PollAsync(authorizationUrl, AcmeJsonContext.Default.AcmeAuthorization, a => a.Status == "pending", cancellationToken);
            if (authorization.Status != "valid")
            {
                var failed = authorization.Challenges.FirstOrDefault(c => c.Type == responder.Type);
                throw new AcmeProblemException($"the CA could not validate {responder.Type} for {name}: authorization '{authorization.Status}'{Describe(failed?.Error)}", failed?.Error?.Type);
            }
        }
        finally
        {
            // Also after a failure or cancellation: nothing the CA asked for is left published.
            await responder.CleanupAsync(name, token, keyAuthorization, CancellationToken.None);
        }
    }

    internal static byte[] CreateSigningRequest(IReadOnlyList<string> names, AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedName($"CN={names[0]}");
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("the certificate key must be ECDSA or RSA", nameof(key)),
        };
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            alternativeNames.AddDnsName(name);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        return request.CreateSigningRequest();
    }

    private async Task<T> PollAsync<T>(string url, JsonTypeInfo<T> type, Func<T, bool> busy, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + PollTimeout;
        while (true)
        {
            using var response = await PostAsync(url, null, useJwk: false, cancellationToken);
            var value = await ReadAsync(response, type, cancellationToken);
            if (!busy(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new AcmeProblemException($"{url} stayed busy for {PollTimeout.TotalMinutes} minutes");
            }

            // The CA's pace in real time (its Retry-After, bounded), not the renewal clock: a test clock that jumps to
            // renewal day must still let an order complete.
            var wait = RetryAfter(response) is { } asked ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, DefaultPollDelay.Ticks / 4, MaxPollDelay.Ticks)) : DefaultPollDelay;
            await Task.Delay(wait, cancellationToken);
        }
    }

    private async Task<T> PostAsGetAsync<T>(string url, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(url, null, useJwk: false, cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    /// <summary>
    /// Every URL the CA hands out (directory entries, Location headers, orders) must be on the directory's own scheme and
    /// host: a broken or hostile directory cannot send signed requests elsewhere (an internal address, plain http).
    /// </summary>
    private void EnsureOnCa(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != directoryUrl.Scheme || !string.Equals(uri.Host, directoryUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new AcmeProblemException($"the CA sent the URL '{url}', which is not on its directory's {directoryUrl.Scheme}://{directoryUrl.Host}") { Permanent = true };
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string url, byte[]? payload, bool useJwk, CancellationToken cancellationToken, string? accept = null)
    {
        EnsureOnCa(url);
        for (var attempt = 1; ; attempt++)
        {
            var nonce = Interlocked.Exchange(ref _nonce, null) ?? await NewNonceAsync(cancellationToken);
            using var content = new ByteArrayContent(account.Sign(url, nonce, useJwk ? null : _kid, payload));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            var response = await http.SendAsync(request, cancellationToken);
            KeepNonce(response);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var problem = await ReadProblemAsync(response, cancellationToken);
                if (problem?.Type == AcmeProblemException.BadNonce && attempt <= MaxBadNonceRetries)
                {
                    continue; // §6.5: the answer carries a fresh nonce; retry with it
                }

                if (problem?.Type == AcmeProblemException.AccountDoesNotExist)
                {
                    _kid = null; // the CA forgot the account (a test CA restarted, an account deactivated): register again next time
                }

                throw ProblemException($"POST {url}", response, problem);
            }
        }
    }

    private async Task<string> NewNonceAsync(CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken);
        EnsureOnCa(directory.NewNonce);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, $"HEAD {directory.NewNonce}", cancellationToken);
        return response.Headers.TryGetValues("Replay-Nonce", out var nonces) ? nonces.First()
            : throw new AcmeProblemException($"the CA's newNonce answer ({directory.NewNonce}) has no Replay-Nonce");
    }

    private void KeepNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values))
        {
            _nonce = values.First();
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw ProblemException(what, response, await ReadProblemAsync(response, cancellationToken));
        }
    }

    private static AcmeProblemException ProblemException(string what, HttpResponseMessage response, AcmeProblem? problem) =>
        new($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}{Describe(problem)}", problem?.Type, RetryAfter(response))
        {
            Permanent = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && problem?.Type != AcmeProblemException.RateLimited,
        };

    private static async Task<AcmeProblem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(AcmeJsonContext.Default.AcmeProblem, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null; // not a problem document (a proxy's HTML page)
        }
    }

    private static string Describe(AcmeProblem? problem) =>
        problem is null ? "" : $" ({problem.Type}: {problem.Detail}{(problem.Subproblems is { Length: > 0 } subs ? "; " + string.Join("; ", subs.Select(s => s.Detail)) : "")})";

    internal static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero,
            _ => null,
        };

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new AcmeProblemException($"{response.RequestMessage?.RequestUri}: an empty answer");

    private static byte[] Json<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);
}
