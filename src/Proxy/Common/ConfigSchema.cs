using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace EdgeProxy.Common;

/// <summary>
/// The shape of a configuration section, as strict checking knows it: a single value, a list, named entries (a
/// dictionary whose keys are names, not settings: policy names, route ids, <c>Metadata</c>), or an object with known
/// keys. Built from the options classes, so the known keys are their properties.
/// </summary>
internal sealed class ConfigSchema
{
    public enum Shape
    {
        Value,
        List,
        Named,
        Object,
    }

    private ConfigSchema(Shape kind, ConfigSchema? element, IReadOnlyDictionary<string, ConfigSchema>? keys, bool open, bool warnOnly, IReadOnlyList<string>? allowedValues = null)
    {
        AllowedValues = allowedValues;
        Kind = kind;
        Element = element;
        Keys = keys ?? new Dictionary<string, ConfigSchema>(StringComparer.OrdinalIgnoreCase);
        Open = open;
        WarnOnly = warnOnly;
    }

    public Shape Kind { get; }

    /// <summary>The schema of each list item or named entry.</summary>
    public ConfigSchema? Element { get; }

    /// <summary>The known keys of an object (case-insensitive, as the binder reads them).</summary>
    public IReadOnlyDictionary<string, ConfigSchema> Keys { get; }

    /// <summary>An object whose other keys belong to someone else (the top level, <c>ReverseProxy</c>): not checked.</summary>
    public bool Open { get; }

    /// <summary>Unknown keys from here down are warnings (<c>Kestrel</c>: its own schema, read by ASP.NET Core).</summary>
    public bool WarnOnly { get; }

    /// <summary>The values a single value may take (an enum's names, true/false), or null for any.</summary>
    public IReadOnlyList<string>? AllowedValues { get; }

    public static ConfigSchema Value { get; } = new(Shape.Value, null, null, false, false);

    /// <summary>A single value that is one of <paramref name="allowed"/> (case-insensitive, as the binder reads them).</summary>
    public static ConfigSchema OneOf(params string[] allowed) => new(Shape.Value, null, null, false, false, allowed);

    public static ConfigSchema Boolean { get; } = OneOf("true", "false");

    public static ConfigSchema ListOf(ConfigSchema element) => new(Shape.List, element, null, false, false);

    public static ConfigSchema NamedEntries(ConfigSchema element) => new(Shape.Named, element, null, false, false);

    public static ConfigSchema Object(params (string Key, ConfigSchema Schema)[] keys) =>
        new(Shape.Object, null, keys.ToDictionary(k => k.Key, k => k.Schema, StringComparer.OrdinalIgnoreCase), false, false);

    /// <summary>
    /// The public settable properties of <typeparamref name="T"/> as keys: values, lists and dictionaries by their type;
    /// a property of a class type needs its schema in <paramref name="nested"/> (which also overrides a property whose
    /// configuration shape differs from its type, such as YARP's <c>SslProtocols</c>, a list in the file).
    /// </summary>
    public static ConfigSchema Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(params (string Key, ConfigSchema Schema)[] nested)
    {
        var overrides = nested.ToDictionary(n => n.Key, n => n.Schema, StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, ConfigSchema>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                keys[property.Name] = overrides.Remove(property.Name, out var schema) ? schema : FromType(typeof(T), property.Name, property.PropertyType);
            }
        }

        if (overrides.Count > 0)
        {
            throw new InvalidOperationException($"{typeof(T).Name} has no settable property {string.Join(", ", overrides.Keys)}");
        }

        return new(Shape.Object, null, keys, false, false);
    }

    public ConfigSchema AsOpen() => new(Kind, Element, Keys, true, WarnOnly, AllowedValues);

    public ConfigSchema AsWarnOnly() => new(Kind, Element, Keys, Open, true, AllowedValues);

    /// <summary>Two schemas of the same section (several options classes bind <c>EdgeProxy:ClientIp</c>) as one.</summary>
    public ConfigSchema Merge(ConfigSchema other)
    {
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        if (Kind != other.Kind)
        {
            throw new InvalidOperationException($"Two schemas disagree on a section's shape: {Kind} and {other.Kind}");
        }

        var keys = new Dictionary<string, ConfigSchema>(Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, schema) in other.Keys)
        {
            keys[key] = keys.TryGetValue(key, out var mine) ? mine.Merge(schema) : schema;
        }

        var element = Element is null ? other.Element : other.Element is null ? Element : Element.Merge(other.Element);
        return new(Kind, element, keys, Open || other.Open, WarnOnly || other.WarnOnly, AllowedValues ?? other.AllowedValues);
    }

    private static ConfigSchema FromType(Type owner, string property, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            // Named in messages ("'Moden' is not one of Modern, Intermediate, Custom"); the binder only says it failed.
            return OneOf(type.GetEnumNames());
        }

        if (type == typeof(bool))
        {
            return Boolean;
        }

        if (type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) ||
            type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Version) || type == typeof(Guid))
        {
            return Value;
        }

        if (type.IsGenericType && type.GetGenericArguments() is { Length: 2 } pair && pair[0] == typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return NamedEntries(FromType(owner, property, pair[1]));
        }

        if (type.IsArray)
        {
            return ListOf(FromType(owner, property, type.GetElementType()!));
        }

        if (type.IsGenericType && type.GetGenericArguments() is { Length: 1 } single && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return ListOf(FromType(owner, property, single[0]));
        }

        throw new InvalidOperationException($"{owner.Name}.{property}: the schema of {type.Name} must be given");
    }
}
