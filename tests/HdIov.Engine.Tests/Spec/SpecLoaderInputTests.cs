using System.Text;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hdiov-spec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadFile_MissingFile_IsNotReadableNotAnException()
    {
        var result = SpecLoader.LoadFile(Path.Combine(_directory, "absent.yaml"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.FileNotReadable, diagnostic.Code);
        Assert.Contains("does not exist", diagnostic.Message, StringComparison.Ordinal);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void LoadFile_Directory_IsNotReadable()
    {
        Assert.Equal(DiagnosticCodes.FileNotReadable, Assert.Single(SpecLoader.LoadFile(_directory).Diagnostics).Code);
    }

    [Fact]
    public void LoadFile_InvalidUtf8_IsNotReadable()
    {
        var path = Path.Combine(_directory, "latin1.yaml");
        File.WriteAllBytes(path, [.. "apiVersion: hdiov.dev/v1alpha1\nmetadata: { name: caf"u8, 0xE9, (byte)'}']);

        var diagnostic = Assert.Single(SpecLoader.LoadFile(path).Diagnostics);

        Assert.Equal(DiagnosticCodes.FileNotReadable, diagnostic.Code);
        Assert.Contains("UTF-8", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_WithByteOrderMark_LoadsAndNamesTheFile()
    {
        var path = Path.Combine(_directory, "bom.yaml");
        File.WriteAllText(path, "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: n }\nspec: {}\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var result = SpecLoader.LoadFile(path);

        Assert.True(result.Succeeded);
        Assert.Equal(path, result.Spec!.SourceFile);
    }

    [Fact]
    public void LoadFile_LargerThanTheLimit_IsRefusedWithoutReadingItAll()
    {
        var path = Path.Combine(_directory, "big.yaml");
        using (var stream = File.Create(path))
        {
            stream.SetLength((SpecLoader.MaxDocumentLength * 4L) + 10);
        }

        Assert.Equal(DiagnosticCodes.DocumentTooLarge, Assert.Single(SpecLoader.LoadFile(path).Diagnostics).Code);
    }

    [Fact]
    public void LoadText_LargerThanTheLimit_IsRefused()
    {
        var result = SpecLoader.LoadText(new string('#', SpecLoader.MaxDocumentLength + 1), "big.yaml");

        Assert.Equal(DiagnosticCodes.DocumentTooLarge, Assert.Single(result.Diagnostics).Code);
    }

    [Theory]
    [InlineData(100_000)]
    public void LoadText_DeeplyNestedFlowCollections_IsADiagnosticNotACrash(int depth)
    {
        var text = "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: n }\nspec: { devices: " + new string('[', depth) + new string(']', depth) + " }\n";

        var result = SpecAssert.Load(text);

        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Diagnostics);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\uFEFF\uFEFF")]
    [InlineData("%YAML 1.2\n%TAG ! tag:x,2000:\n--- !a\n")]
    [InlineData("a: \"\\ud800\"")]
    [InlineData("? [a, b]\n: c\n")]
    [InlineData("apiVersion: hdiov.dev/v1alpha1\nkind: HostState\n<<: { metadata: { name: x } }\n")]
    [InlineData("apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: n }\nspec: { devices: [ { name: q, select: { pciAddress: [ [ ] ] }, mode: none } ] }\n")]
    public void LoadText_OddInput_GivesLocatedDiagnostics(string text)
    {
        var result = SpecAssert.Load(text);

        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.NotNull(d.Location));
    }
}
