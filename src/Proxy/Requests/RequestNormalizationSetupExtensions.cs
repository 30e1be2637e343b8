using EdgeProxy.Common;
using EdgeProxy.Middleware;
using EdgeProxy.Middleware.Requests;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace EdgeProxy.Requests;

internal static class RequestNormalizationSetupExtensions
{
    public const string SectionName = "EdgeProxy:Requests";

    /// <summary>One canonical path and host before routing (<c>EdgeProxy:Requests</c>: <c>MergeSlashes</c>, <c>PathParameters</c>, <c>EncodedSlashes</c>).</summary>
    public static IServiceCollection AddCanonicalRequests(this IServiceCollection services)
    {
        services.AddRequestNormalization();
        services.AddOptions<RequestNormalizationOptions>().BindConfiguration(SectionName).ValidateOnStart();
        services.AddConfigSchema(SectionName, ConfigSchema.Of<RequestNormalizationOptions>());
        return services;
    }

    /// <summary>
    /// Under <c>EncodedSlashes: Keep</c>, <c>%2F</c> and <c>%5C</c> reach the backend as the client sent them: YARP builds
    /// the target from the decoded path and would send <c>%252F</c>.
    /// </summary>
    public static TransformBuilderContext AddKeptEncodedSlashes(this TransformBuilderContext transforms) => transforms.AddRequestTransform(context =>
    {
        if (context.HttpContext.Features.Find<KeptEncodedSlashes>() is not null)
        {
            var target = RequestUtilities.MakeDestinationAddress(context.DestinationPrefix, context.Path, context.Query.QueryString);
            context.ProxyRequest.RequestUri = new Uri(KeptEncodedSlashes.Restore(target.OriginalString), UriKind.Absolute);
        }

        return ValueTask.CompletedTask;
    });
}
