using System.Text.Json;
using System.Text.Json.Serialization;
using Agora.Core.Common;

namespace Agora.Infrastructure.Cosmos;

/// <summary>The last guard before a write: Cosmos DB keeps numbers as doubles, and a decimal beyond
/// <see cref="Limits.MaxStoredMagnitude"/> would come back as a double no decimal can hold, failing every later read of the
/// document. Such a write fails here, before anything is sent, so a store never holds what its readers reject. Inputs are
/// held to the narrower <see cref="Limits"/> at the edge; this catches what a computation might produce.</summary>
internal sealed class StoredDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
    {
        if (Math.Abs(value) > Limits.MaxStoredMagnitude)
        {
            throw new InvalidOperationException($"A decimal of magnitude {Math.Abs(value):E3} cannot be stored: Cosmos DB would keep a double that reads back as no decimal.");
        }

        writer.WriteNumberValue(value);
    }
}
