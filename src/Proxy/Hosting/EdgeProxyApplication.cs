using EdgeProxy.AccessControl;
using EdgeProxy.AccessLog;
using EdgeProxy.Acme;
using EdgeProxy.Admin;
using EdgeProxy.ClientIp;
using EdgeProxy.Common;
using EdgeProxy.Connections;
using EdgeProxy.DataProtection;
using EdgeProxy.Destinations;
using EdgeProxy.Https;
using EdgeProxy.Metrics;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Middleware.Hsts;
using EdgeProxy.Middleware.HttpsRedirect;
using EdgeProxy.Ocsp;
using EdgeProxy.Requests;
using EdgeProxy.Middleware.Requests;
using EdgeProxy.OriginPulls;
using EdgeProxy.ProxyProtocol;
using EdgeProxy.ReverseProxy;
using EdgeProxy.Shutdown;
using EdgeProxy.Tls;
using EdgeProxy.Tracing;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace EdgeProxy.Hosting;

/// <summary>
/// Builds the proxy: the list of features it is made of, then validation of everything before anything listens.
/// </summary>
internal static class EdgeProxyApplication
{
    /// <summary>
    /// Builds the application and validates its configuration (JSON, options, certificates, routes and clusters).
    /// Returns the errors instead of an application when anything is wrong; nothing has listened yet either way.
    /// </summary>
    /// <param name="file">The configuration file as read at start (<c>command.ConfigPath</c>).</param>
    /// <param name="configureServices">Replaces services after the proxy's own (tests use it for a fake clock).</param>
    public static async Task<EdgeProxyStartup> PrepareAsync(EdgeProxyCommandLine command, ConfigFile file, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        if (file.JsonError is { } jsonError)
        {
            return EdgeProxyStartup.Failed([jsonError]);
        }

        WebApplication app;
        try
        {
            app = Build(command, file, configureServices);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return EdgeProxyStartup.Failed([ex.Message]);
        }

        var errors = new List<string>();
        // Options failures name their key; the file is named like in every other error.
        errors.AddRange(StartupOptionsValidation.Validate(app.Services).Select(error => $"{file.Path}: {error}"));
        errors.AddRange(CertificateFileCheck.Validate(app.Configuration, app.Environment.ContentRootPath));

        ProxyConfigLoadResult proxyConfig;
        try
        {
            proxyConfig = await app.Services.GetRequiredService<ProxyConfigLoader>().LoadAsync(file, cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            // YARP's services need options that failed validation above (the data-protection key ring): reported there.
            proxyConfig = ProxyConfigLoadResult.Failed([.. ex.Failures.Select(error => $"{file.Path}: {error}")]);
        }

        errors.AddRange(proxyConfig.Errors);
        if (errors.Count > 0)
        {
            await app.DisposeAsync();
            return EdgeProxyStartup.Failed(BinderFollowOns.Remove(errors));
        }

        app.Services.GetRequiredService<ProxyConfigReloader>().ApplyInitial(proxyConfig, file);
        ConfigurePipeline(app);
        // --check also asks the features whether what they depend on answers (a warning only).
        IReadOnlyList<string> checkWarnings = command.CheckOnly
            ? [.. (await Task.WhenAll(app.Services.GetServices<ICheckWarningSource>().Select(s => s.WarningsAsync(cancellationToken)))).SelectMany(w => w)]
            : [];
        return new EdgeProxyStartup(app, [], proxyConfig.Summary) { Warnings = [.. proxyConfig.Warnings, .. checkWarnings] };
    }

    private static WebApplication Build(EdgeProxyCommandLine command, ConfigFile file, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = command.ConfigurationArguments,
            ContentRootPath = Path.GetDirectoryName(command.ConfigPath),
        });

        builder.Configuration.UseEdgeProxyConfigFile(command, file);
        // Data protection only signs YARP's session-affinity cookies; its "keys not encrypted at rest" warning is noise here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // While this category is enabled at any level, ASP.NET Core starts an Activity and a log scope for every request
        // and HttpClient then rewrites traceparent towards the backend: ~20 % of the proxy's CPU in the bench. The
        // access log (EdgeProxy:AccessLog) replaces its "Request starting/finished" lines; traceparent passes untouched.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // It logs a Warning on every run of a degraded check, i.e. on every probe and status poll; ReadinessSpells
        // logs each degraded spell once instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error);
        // Request code runs on the sockets' event threads (inline scheduling): when stdout stalls (journald or docker
        // not reading), a full console queue drops lines (and says how many) instead of holding those threads up,
        // unless the operator chose otherwise (Logging:Console:QueueFullMode).
        if (builder.Configuration["Logging:Console:QueueFullMode"] is null)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        }
        builder.Services.AddSingleton(command);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddInlineScheduling();
        builder.Services.AddOptions<EdgeProxyOptions>().BindConfiguration(EdgeProxyOptions.SectionName);
        builder.Services.AddConfigSchema(EdgeProxyOptions.SectionName, ConfigSchema.Of<EdgeProxyOptions>());
        builder.Services.AddConfigSchema("Kestrel", KestrelSchema.Kestrel.AsWarnOnly());
        builder.Services.AddSingleton(sp => DataDirectory.From(sp.GetRequiredService<IOptions<EdgeProxyOptions>>().Value.DataPath, builder.Environment.ContentRootPath));

        // First of the public-endpoint setups (they run in registration order): the PROXY header is read before anything
        // judges the peer (the lock, origin pulls, the connection limit) and before TLS.
        builder.Services.AddProxyProtocol();
        builder.Services.AddTlsPolicy();
        builder.AddCertificateRenewal();
        builder.Services.AddOcspStapling();
        builder.Services.AddFirstRunCertificate();
        builder.Services.AddAcmeCertificates();
        builder.Services.AddEdgeProxyListeners();
        builder.Services.AddAdminListener();
        builder.Services.AddGracefulShutdown();
        builder.Services.AddProxyMetrics();
        builder.Services.AddClientIpRestoration();
        builder.Services.AddAuthenticatedOriginPulls();
        builder.Services.AddIdleConnectionReclaim();
        builder.Services.AddServerCertificateSources(); // after every other public-endpoint setup
        builder.Services.AddHttpsPolicy();
        builder.Services.AddCanonicalRequests();
        builder.Services.AddAccessControl();
        builder.Services.AddAccessLogging();
        builder.Services.AddEdgeProxyDataProtection();
        builder.Services.AddTracing();
        builder.Services.AddReverseProxy()
            .LoadFromValidatedConfigFile()
            .AddDestinationStates()
            .AddTransforms(transforms => transforms.AddResponseHeaderRemove("Server").AddKeptEncodedSlashes());
        configureServices?.Invoke(builder.Services);

        return builder.Build();
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseOpenSslBufferRelease();
        app.UseConnectionActivity();
        app.UseOcspProxy();
        app.UseAdminListener();
        app.UseAccessLog();
        app.UseStrictTransportSecurity();
        app.UseClientIp();
        app.UseTracing();
        app.UseRequestNormalization();
        app.UseAcmeHttpChallenges();
        app.UseHttpsRedirect();
        // Routes match on headers, hosts and paths: only once the client's forged headers are gone and the path and host
        // are canonical (WebApplication would otherwise route first).
        app.UseRouting();
        app.UseAccessControl();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseProxyRequestMetrics();
            proxy.UseUpstreamErrorPages();
            proxy.UseDestinationStates();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseDestinationTraffic();
            proxy.UsePassiveHealthChecks();
        });
    }
}
