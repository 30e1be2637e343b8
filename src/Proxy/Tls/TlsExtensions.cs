using EdgeProxy.Certificates;
using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

internal static class TlsExtensions
{
    /// <summary>A self-signed localhost certificate for HTTPS listeners that have none (first run on a fresh machine).</summary>
    public static IServiceCollection AddFirstRunCertificate(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, FirstRunCertificate>());
        return services;
    }

    /// <summary>
    /// The TLS policy (<c>EdgeProxy:Tls</c>, enforced by <see cref="OpenSslTlsPolicy"/> before start), and the served
    /// certificates' expiry in <c>/status</c>, <c>/metrics</c> and the log.
    /// </summary>
    public static IServiceCollection AddTlsPolicy(this IServiceCollection services)
    {
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(TlsOptions.SectionName, ConfigSchema.Of<TlsOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>());
        services.TryAddSingleton<CertificateInventory>();
        services.TryAddSingleton<CertificateExpiryMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CertificateExpiryMonitor>(sp => sp.GetRequiredService<CertificateExpiryMonitor>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsPublisher, CertificateExpiryMonitor>(sp => sp.GetRequiredService<CertificateExpiryMonitor>()));
        services.AddStatusSection<TlsStatusSection>();
        // OpenSSL's record buffers freed while a connection waits (docs/connections-memory.md).
        services.AddPublicEndpointSetup<OpenSslBufferRelease.EndpointSetup>();
        return services;
    }

    /// <summary>
    /// Certificates other features serve by SNI (ACME), ahead of each listener's own. Registered after every other
    /// public-endpoint setup: its ClientHello read is the last step before TLS, so the lock and the connection limits
    /// judge a connection before anything waits for its bytes.
    /// </summary>
    public static IServiceCollection AddServerCertificateSources(this IServiceCollection services)
    {
        services.AddPublicEndpointSetup<ServerCertificateSourceSetup>();
        return services;
    }

    /// <summary>Renewed certificate files are served without a restart (see <see cref="CertificateRenewalWatcher"/>).</summary>
    public static WebApplicationBuilder AddCertificateRenewal(this WebApplicationBuilder builder)
    {
        var reloadSource = new CertificateReloadConfigurationSource();
        ((IConfigurationBuilder)builder.Configuration).Add(reloadSource);
        builder.Services.AddSingleton(reloadSource);
        builder.Services.AddHostedService<CertificateRenewalWatcher>();
        return builder;
    }
}
