namespace LeanUpstream;

/// <summary>The response's content: its headers, and <see cref="LeanResponseStream"/> as the stream YARP copies from.</summary>
internal sealed class LeanResponseContent(LeanResponseStream body) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream target, TransportContext? context) => body.CopyToAsync(target);

    protected override Task SerializeToStreamAsync(Stream target, TransportContext? context, CancellationToken cancellationToken) =>
        body.CopyToAsync(target, cancellationToken);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(body);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult<Stream>(body);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => body;

    // The length, when the destination sent one, is in the Content-Length header; otherwise it is unknown.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Closes the connection unless the body was read to its end (see LeanResponseStream).
            body.Dispose();
        }

        base.Dispose(disposing);
    }
}
