using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

/// <summary>Runs every <c>ValidateOnStart</c> options validation now, so that <c>--check</c> and start-up report it before listening.</summary>
internal static class StartupOptionsValidation
{
    public static IReadOnlyList<string> Validate(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (InvalidOperationException ex)
        {
            // The binder's own failures, e.g. "Failed to convert configuration value at 'EdgeProxy:Tls:Profile'".
            return [ex.Message];
        }
        catch (AggregateException ex)
        {
            return [.. ex.InnerExceptions.SelectMany(e => e is OptionsValidationException o ? o.Failures : [e.Message])];
        }
    }
}
