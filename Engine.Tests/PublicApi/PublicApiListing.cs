using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace ConvEngine.Tests.PublicApi;

/// <summary>
/// Writes an assembly's public surface as text, one declaration a line in C#-like syntax: every exported
/// type (ordered by full name) followed by its public and protected members (constructors, constants and
/// fields, properties, methods, operators, events; each group by name), with nullable annotations, tuple
/// element names, <c>in</c>/<c>out</c>/<c>params</c> and default values, so that any change a user could
/// notice changes the listing.
/// </summary>
public static class PublicApiListing
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The listing of <paramref name="assembly"/>, lines ending in \n.</summary>
    public static string Of(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(TypeDeclaration(type)).Append('\n');
            foreach (var (_, _, line) in Members(type).OrderBy(m => m.Group).ThenBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Line, StringComparer.Ordinal))
                sb.Append("    ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static string TypeDeclaration(Type type)
    {
        string name = TypeName(type, null, qualified: true);
        if (type.IsEnum) return $"public enum {name} : {TypeName(Enum.GetUnderlyingType(type), null)}";
        if (type.IsSubclassOf(typeof(Delegate)))
            return $"public delegate {Signature(type.GetMethod("Invoke")!, name)}";
        bool isRecord = type.GetMethod("<Clone>$") is not null || (type.IsValueType && type.GetMethod("PrintMembers", Declared) is not null);
        string kind = type.IsInterface ? "interface"
            : type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly " : "") + (isRecord ? "record struct" : "struct")
            : (type.IsAbstract && type.IsSealed ? "static " : type.IsAbstract ? "abstract " : type.IsSealed ? "sealed " : "")
              + (isRecord ? "record" : "class");
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType)) bases.Add(TypeName(b, null));
        bases.AddRange(type.GetInterfaces().Select(i => TypeName(i, null)).Order(StringComparer.Ordinal));
        return $"public {kind} {name}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "") + Constraints(type.GetGenericArguments());
    }

    // Group orders the kinds of member: constructors, fields, properties, methods, operators, events.
    private static IEnumerable<(int Group, string Name, string Line)> Members(Type type)
    {
        if (type.IsEnum)
        {
            // In value order, as declared.
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                long value = Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
                yield return (0, value.ToString("D20", CultureInfo.InvariantCulture), $"{field.Name} = {value}");
            }
            yield break;
        }
        if (type.IsSubclassOf(typeof(Delegate))) yield break;

        foreach (var member in type.GetMembers(Declared))
        {
            if (member.Name.Contains('<') || member.IsDefined(typeof(CompilerGeneratedAttribute)) && member is FieldInfo) continue;
            (int, string)? line = member switch
            {
                ConstructorInfo c when Visible(c) => (0, $"{Access(c)} {type.Name.Split('`')[0]}({Parameters(c)})"),
                FieldInfo f when Visible(f) => (1, Field(f)),
                PropertyInfo p when Accessors(p).Any(Visible) => (2, Property(p, type)),
                MethodInfo m when Visible(m) && !m.IsSpecialName => (3, $"{Access(m)} {Modifiers(m, type)}{Signature(m, m.Name)}"),
                MethodInfo m when Visible(m) && m.Name.StartsWith("op_", StringComparison.Ordinal) =>
                    (4, $"{Access(m)} {Modifiers(m, type)}{Signature(m, m.Name)}"),
                EventInfo e when e.AddMethod is { } add && Visible(add) =>
                    (5, $"{Access(add)} {Modifiers(add, type)}event {TypeName(e.EventHandlerType!, Nullability.Create(e))} {e.Name}"),
                _ => null,
            };
            if (line is var (group, text)) yield return (group, member.Name, text);
        }
    }

    private static IEnumerable<MethodInfo> Accessors(PropertyInfo p) => new[] { p.GetMethod, p.SetMethod }.OfType<MethodInfo>();

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static bool Visible(FieldInfo f) => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly;

    private static string Access(MethodBase m) => m.IsPublic ? "public" : "protected";

    private static string Modifiers(MethodInfo m, Type declaring)
    {
        if (declaring.IsInterface) return m.IsStatic ? "static " : "";
        if (m.IsStatic) return "static ";
        if (m.GetBaseDefinition() != m) return m.IsFinal ? "sealed override " : "override ";
        if (m.IsAbstract) return "abstract ";
        if (m.IsVirtual && !m.IsFinal) return "virtual ";
        return "";
    }

    private static string Signature(MethodInfo m, string name)
    {
        string generics = m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";
        return $"{ReturnType(m)} {name}{generics}({Parameters(m)})" + Constraints(m.IsGenericMethod ? m.GetGenericArguments() : []);
    }

    private static string ReturnType(MethodInfo m) =>
        m.ReturnType == typeof(void) ? "void" : TypeName(m.ReturnType, Nullability.Create(m.ReturnParameter), TupleNames.Of(m.ReturnParameter));

    private static string Parameters(MethodBase m)
    {
        bool extension = m.IsDefined(typeof(ExtensionAttribute));
        return string.Join(", ", m.GetParameters().Select((p, i) => (extension && i == 0 ? "this " : "") + Parameter(p)));
    }

    private static string Parameter(ParameterInfo p)
    {
        var type = p.ParameterType;
        string prefix = "";
        if (type.IsByRef)
        {
            prefix = p.IsOut ? "out " : p.IsIn || p.IsDefined(typeof(RequiresLocationAttribute)) ? "in " : "ref ";
            type = type.GetElementType()!;
        }
        if (p.IsDefined(typeof(ParamArrayAttribute)) || p.IsDefined(typeof(ParamCollectionAttribute))) prefix += "params ";
        string text = $"{prefix}{TypeName(type, Nullability.Create(p), TupleNames.Of(p))} {p.Name}";
        return p.HasDefaultValue ? text + " = " + Literal(p.RawDefaultValue, type) : text;
    }

    private static string Literal(object? value, Type type) => value switch
    {
        null => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ when type.IsEnum => $"{type.Name}.{Enum.GetName(type, value)}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Property(PropertyInfo p, Type declaring)
    {
        var shown = Accessors(p).Where(Visible).ToList();
        var first = shown[0];
        string access = shown.Any(a => a.IsPublic) ? "public" : "protected";
        string accessors = string.Join(" ", shown.Select(a =>
            (access == "public" && !a.IsPublic ? "protected " : "")
            + (a == p.GetMethod ? "get;" : a.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init;" : "set;")));
        var index = p.GetIndexParameters();
        string name = index.Length == 0 ? p.Name : $"this[{string.Join(", ", index.Select(Parameter))}]";
        return $"{access} {Modifiers(first, declaring)}{TypeName(p.PropertyType, Nullability.Create(p), TupleNames.Of(p))} {name} {{ {accessors} }}";
    }

    private static string Field(FieldInfo f)
    {
        string access = f.IsPublic ? "public" : "protected";
        string type = TypeName(f.FieldType, Nullability.Create(f), TupleNames.Of(f));
        if (f.IsLiteral) return $"{access} const {type} {f.Name} = {Literal(f.GetRawConstantValue(), f.FieldType)}";
        return $"{access} {(f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{type} {f.Name}";
    }

    private static string Constraints(Type[] arguments)
    {
        var sb = new StringBuilder();
        foreach (var a in arguments.Where(a => a.IsGenericParameter))
        {
            var parts = new List<string>();
            var attributes = a.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
                parts.Add(a.GetCustomAttributes().Any(x => x.GetType().Name == "IsUnmanagedAttribute") ? "unmanaged" : "struct");
            else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint)) parts.Add("class");
            parts.AddRange(a.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(c => TypeName(c, null)));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint)
                && !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)) parts.Add("new()");
            if (parts.Count > 0) sb.Append($" where {a.Name} : {string.Join(", ", parts)}");
        }
        return sb.ToString();
    }

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short", [typeof(ushort)] = "ushort",
        [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
        [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal", [typeof(char)] = "char",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    /// <summary>
    /// The element names a declaration gives its tuples (<c>TupleElementNamesAttribute</c>), handed out in the
    /// order the compiler lists them: each tuple's own names, then those of the tuples inside it, depth first.
    /// </summary>
    private sealed class TupleNames(IList<string?> names)
    {
        private int _next;

        public static TupleNames? Of(ICustomAttributeProvider declaration) =>
            declaration.GetCustomAttributes(typeof(TupleElementNamesAttribute), false) is [TupleElementNamesAttribute a, ..]
                ? new TupleNames(a.TransformNames)
                : null;

        public string?[] Take(int count)
        {
            var taken = Enumerable.Range(_next, count).Select(i => i < names.Count ? names[i] : null).ToArray();
            _next += count;
            return taken;
        }
    }

    /// <summary>
    /// C# spelling of <paramref name="type"/>; <paramref name="nullability"/> adds the <c>?</c> of reference types,
    /// <paramref name="tupleNames"/> the names of tuple elements.
    /// </summary>
    private static string TypeName(Type type, NullabilityInfo? nullability, TupleNames? tupleNames = null, bool qualified = false)
    {
        string suffix = nullability is { ReadState: NullabilityState.Nullable } && !type.IsValueType ? "?" : "";
        if (type.IsGenericParameter) return type.Name + suffix;
        if (Keywords.TryGetValue(type, out var keyword)) return keyword + suffix;
        if (type.IsArray)
            return TypeName(type.GetElementType()!, nullability?.ElementType, tupleNames) + "[" + new string(',', type.GetArrayRank() - 1) + "]" + suffix;
        if (type.IsPointer) return TypeName(type.GetElementType()!, null) + "*";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying, null, tupleNames) + "?";

        var arguments = type.IsGenericType ? type.GetGenericArguments() : [];
        string Argument(int i) => TypeName(arguments[i], nullability?.GenericTypeArguments.ElementAtOrDefault(i), tupleNames);
        if (type.IsGenericType && type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true)
        {
            var names = tupleNames?.Take(arguments.Length) ?? new string?[arguments.Length];
            return "(" + string.Join(", ", arguments.Select((_, i) => Argument(i) + (names[i] is { } n ? " " + n : ""))) + ")";
        }

        string name = type.Name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        if (type.IsNested) name = TypeName(type.DeclaringType!, null, null, qualified) + "." + name;
        else if (qualified || !(type.Namespace ?? "").StartsWith("ConvEngine", StringComparison.Ordinal) && type.Namespace != "System"
                 && !(type.Namespace ?? "").StartsWith("System.Collections", StringComparison.Ordinal))
            name = type.Namespace + "." + name;
        // A nested type's own generic arguments follow its declaring type's.
        int inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        if (arguments.Length > inherited)
            name += "<" + string.Join(", ", Enumerable.Range(inherited, arguments.Length - inherited).Select(Argument)) + ">";
        return name + suffix;
    }
}
