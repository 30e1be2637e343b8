using System.Buffers;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.AccessLog;

/// <summary>
/// Standard output, one record per line (journald, container logs). Each batch is one write (a few per second under load,
/// not thousands of 4 KB pieces, each handed to another thread). The write holds the lock of <see cref="Console.Out"/>,
/// the synchronized writer the proxy's own console log goes through, so a log line never lands inside a batch (a pipe
/// keeps only writes of up to 4096 bytes whole on its own).
/// </summary>
internal sealed class ConsoleTarget(int capacity, TimeProvider clock, Stream? output = null, object? writeLock = null) : LineTarget("console", capacity, clock)
{
    private readonly Stream _output = output ?? Console.OpenStandardOutput();
    private readonly object _writeLock = writeLock ?? Console.Out;

    protected override ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken)
    {
        try
        {
            // Synchronous: the console stream has no asynchronous write (its WriteAsync hops to another thread per call).
            lock (_writeLock)
            {
                _output.Write(batch.WrittenSpan);
            }

            return ValueTask.FromResult(true);
        }
        catch (IOException)
        {
            return ValueTask.FromResult(false);
        }
    }
}

/// <summary>
/// A file, appended to. Before each batch it checks that the path still names the file it has open (same length as
/// written so far): when logrotate renamed it away (and maybe created a new one), the file is reopened, so rotation
/// needs no signal and no <c>copytruncate</c>.
/// </summary>
internal sealed partial class FileTarget(string path, int capacity, TimeProvider clock, ILogger logger) : LineTarget("file", capacity, clock), IDisposable
{
    private FileStream? _file;

    public string Path => path;

    protected override async ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken)
    {
        try
        {
            if (_file is not null && !StillOurs(_file))
            {
                await _file.DisposeAsync();
                _file = null;
            }

            _file ??= Open();
            await _file.WriteAsync(batch.WrittenMemory, cancellationToken);
            await _file.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, path, ex.Message);
            if (_file is not null)
            {
                await _file.DisposeAsync();
                _file = null;
            }

            return false;
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>The path still names our file: it exists and has exactly the bytes we appended (we are its only writer).</summary>
    private bool StillOurs(FileStream file)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == file.Position;
    }

    [LoggerMessage(EventId = Common.EventIds.AccessLogFileFailed, Level = LogLevel.Warning, Message = "Access log file {Path} could not be written: {Reason}; its records are dropped until it can")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    public void Dispose() => _file?.Dispose();
}
