using System.Collections.Frozen;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeProxy.AccessControl;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// An allowed request through an access policy (allow list + htpasswd, Satisfy All) whose password was verified
/// before, so it is answered from the remembered logins: our judgement alone, and through ASP.NET Core's authorization
/// middleware as the proxy runs it. The context is reused, as Kestrel pools them; the header is set again each time.
/// </summary>
[MemoryDiagnoser]
public class AccessPolicyBenchmarks
{
    private static readonly RequestDelegate Terminal = _ => Task.CompletedTask;
    private readonly string _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:correct horse battery staple"));
    private string _directory = "";
    private readonly ClientKey _clientKey = new(new AccessControlOptions());
    private AccessPolicy _policy = null!;
    private DefaultHttpContext _context = null!;
    private AuthorizationMiddleware _middleware = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("edgeproxy-bench").FullName;
        var path = Path.Combine(_directory, "users.htpasswd");
        File.WriteAllText(path, "alice:" + BCrypt.Net.BCrypt.HashPassword("correct horse battery staple", 10).Replace("$2a$", "$2y$") + "\n");
        var source = new HtpasswdSource(path, TimeProvider.System);
        source.Refresh();
        var options = new AccessPolicyOptions { AllowFrom = ["203.0.113.0/24", "2001:db8::/32"], BasicAuth = new BasicAuthOptions { HtpasswdFile = path } };
        _policy = new AccessPolicy("admin", options, source, new BruteForceGuard(TimeProvider.System));

        var state = new AccessControlState();
        state.Apply(new AccessControlSnapshot(
            new Dictionary<string, AccessPolicy> { ["admin"] = _policy }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            FrozenDictionary<string, RateLimitPolicy>.Empty, FrozenDictionary<string, string[]>.Empty, FrozenDictionary<string, string[]>.Empty));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(state);
        services.AddSingleton<AccessControlCounters>();
        services.AddSingleton(_clientKey);
        services.TryAddSingleton<IAuthorizationPolicyProvider, AccessPolicyProvider>();
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AccessPolicyHandler>());
        services.AddRouting();
        services.AddAuthorization();
        var provider = services.BuildServiceProvider();
        _middleware = new AuthorizationMiddleware(Terminal, provider.GetRequiredService<IAuthorizationPolicyProvider>(), provider);

        _context = new DefaultHttpContext { RequestServices = provider };
        _context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        _context.SetEndpoint(new Endpoint(Terminal, new EndpointMetadataCollection(new AuthorizeAttribute("admin")), "admin"));

        // The login is verified once (bcrypt, tens of ms) and remembered.
        Reset();
        if (!Judge().AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("setup: the password was refused");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    private void Reset() => _context.Request.Headers.Authorization = _authorization;

    [Benchmark(Baseline = true)]
    public async ValueTask<bool> Judge()
    {
        Reset();
        return await AccessPolicyHandler.JudgeAsync(_context, _policy, _clientKey) is null;
    }

    [Benchmark]
    public Task ThroughAuthorizationMiddleware()
    {
        Reset();
        return _middleware.Invoke(_context);
    }
}
