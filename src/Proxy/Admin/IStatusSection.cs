namespace EdgeProxy.Admin;

/// <summary>One section of <c>/status</c>. Each feature registers its own with <c>AddStatusSection</c>.</summary>
public interface IStatusSection
{
    string Name { get; }

    /// <summary>A JSON-serialisable snapshot; called on every <c>/status</c> request.</summary>
    object GetStatus();
}
