using System.Text.Json.Nodes;

namespace EdgeProxy.Common;

/// <summary>One section of <c>/status</c>. Each feature registers its own with <c>AddStatusSection</c>.</summary>
internal interface IStatusSection
{
    string Name { get; }

    /// <summary>A snapshot built as a JSON tree (no reflection, so the native build serves it too); called on every <c>/status</c> request.</summary>
    JsonObject GetStatus();
}
