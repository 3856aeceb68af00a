using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Client;

/// <summary>The API writes enums as camelCase strings ("pendingApproval"); NSwag's System.Text.Json client names its enum
/// members in PascalCase with [EnumMember] values, which System.Text.Json ignores, so the client reads them camelCased.</summary>
public partial class AgoraClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) =>
        settings.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
}
