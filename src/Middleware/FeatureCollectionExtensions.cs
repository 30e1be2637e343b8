using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.Middleware;

/// <summary>
/// Feature lookups through the collection's indexer. <see cref="IFeatureCollection.Get{TFeature}"/> is a generic virtual
/// method whose target is resolved at run time on every call; the access log looks up a dozen features per request, and
/// under HTTP/2 load those resolutions showed in the profile.
/// </summary>
public static class FeatureCollectionExtensions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T? Find<T>(this IFeatureCollection features)
        where T : class => features[typeof(T)] as T;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put<T>(this IFeatureCollection features, T? feature)
        where T : class => features[typeof(T)] = feature;
}
