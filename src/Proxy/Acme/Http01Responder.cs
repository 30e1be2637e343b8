namespace EdgeProxy.Acme;

/// <summary>HTTP-01: the key authorization answered at <c>/.well-known/acme-challenge/&lt;token&gt;</c> (see <see cref="AcmeHttpChallengeMiddleware"/>).</summary>
internal sealed class Http01Responder(AcmeChallenges challenges) : IAcmeChallengeResponder
{
    public string Type => "http-01";

    public Task PrepareAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        challenges.AddHttpToken(token, keyAuthorization);
        return Task.CompletedTask;
    }

    public Task CleanupAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        challenges.RemoveHttpToken(token);
        return Task.CompletedTask;
    }
}
