using EdgeProxy.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.DataProtection;

internal static class DataProtectionExtensions
{
    /// <summary>
    /// The key ring of YARP's protected session-affinity values (<c>EdgeProxy:DataProtection</c>): one application name
    /// for every replica, keys in <c>KeysPath</c> when it is set.
    /// </summary>
    public static IServiceCollection AddEdgeProxyDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(KeyRingOptions.ApplicationName);
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(KeyRingOptions.SectionName, ConfigSchema.Of<KeyRingOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, KeyRingStorageSetup>());
        return services;
    }
}
