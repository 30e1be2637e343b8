namespace EdgeProxy.Common;

/// <summary>
/// What only <c>--check</c> looks at, beyond the file itself (can a configured service be reached?): warnings, never
/// errors, since the outside world may be down for a while. Register with <see cref="ExtensionPointExtensions.AddCheckWarningSource{T}"/>.
/// </summary>
internal interface ICheckWarningSource
{
    Task<IReadOnlyList<string>> WarningsAsync(CancellationToken cancellationToken);
}
