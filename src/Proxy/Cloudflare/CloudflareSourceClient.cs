using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>
/// One source's answer, or why it cannot be used: a conditional GET (the last accepted answer's validators) with a
/// timeout, the expected status and content type, a parse, and the per-range sanity checks.
/// </summary>
internal sealed class CloudflareSourceClient(IHttpClientFactory httpClientFactory, IOptions<CloudflareOptions> options, CloudflareRangeSanity sanity)
{
    public const string HttpClientName = "cloudflare";

    public async Task<(SourceAnswer?, RangeRejection?)> FetchAsync(CloudflareSource source, SourceAnswer? previous, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        request.Headers.Accept.ParseAdd(source.ExpectedMediaType);
        if (previous?.ETag is { } etag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (previous?.LastModified is { } lastModified)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotModified && previous is not null)
            {
                return (previous, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, new RangeRejection(RangeRejection.HttpStatus, $"{source}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, source.ExpectedMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return (null, new RangeRejection(RangeRejection.ContentType, $"{source}: content type '{mediaType ?? "none"}' where {source.ExpectedMediaType} was expected"));
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var parsed = CloudflareRangeParser.Parse(source, body, out var rejection);
            if (rejection is not null)
            {
                return (null, rejection);
            }

            if (sanity.CheckRanges(parsed.Ranges) is { } refused)
            {
                return (null, refused with { Message = $"{source}: {refused.Message}" });
            }

            return (new SourceAnswer(
                source.Url.ToString(),
                response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R"),
                parsed.ApiEtag,
                [.. parsed.Ranges.Select(r => r.ToString())]), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new RangeRejection(RangeRejection.Timeout, $"{source}: no complete answer within {options.Value.Timeout}"));
        }
        catch (HttpRequestException ex)
        {
            return (null, new RangeRejection(RangeRejection.Network, $"{source}: {ex.Message}"));
        }
    }
}
