namespace HdIov.Engine.Spec.Yaml;

/// <summary>The type a plain scalar has under the YAML 1.2 core schema.</summary>
internal enum ScalarKind
{
    String,
    Null,
    Boolean,
    Integer,
    Float,
}
