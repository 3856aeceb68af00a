// Writes the sample invoices of the docs as PDFs: dotnet run tools/invoice-png/sample.cs -- <folder>.
// The same invoices the PDF tests read back (tests/Agora.Testing/InvoiceSamples.cs), printed by the application's adapter.
#:project ../../tests/Agora.Testing/Agora.Testing.csproj

using Agora.Infrastructure.Documents;
using Agora.Testing;

var folder = args.Length > 0 ? args[0] : ".";
Directory.CreateDirectory(folder);
var documents = new PdfInvoiceDocuments();
File.WriteAllBytes(Path.Combine(folder, "invoice-pt-BR.pdf"), documents.Pdf(InvoiceSamples.PortugueseBrl()));
File.WriteAllBytes(Path.Combine(folder, "invoice-en.pdf"), documents.Pdf(InvoiceSamples.EnglishUsd()));
File.WriteAllBytes(Path.Combine(folder, "credit-note-pt-BR.pdf"), documents.Pdf(InvoiceSamples.CreditNote()));
File.WriteAllBytes(Path.Combine(folder, "invoice-300-lines.pdf"), documents.Pdf(InvoiceSamples.Paginated(300)));
Console.WriteLine($"Wrote the sample PDFs to {Path.GetFullPath(folder)}");
