// Renders one page of a PDF to a PNG: node render.mjs <in.pdf> <out.png> [page, 1-based] [scale].
// PDFium (the rasterizer of Chromium) compiled to WebAssembly, from the npm registry: this machine has no poppler,
// ghostscript, ImageMagick or browser, and none is needed. Opaque white background, 8-bit RGBA.
import { readFile, writeFile } from "node:fs/promises";
import { PDFiumLibrary } from "@hyzyla/pdfium";
import { PNG } from "pngjs";

const [input, output, pageArg = "1", scaleArg = "1.6"] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node render.mjs <in.pdf> <out.png> [page] [scale]");
  process.exit(2);
}

const library = await PDFiumLibrary.init();
try {
  const document = await library.loadDocument(await readFile(input));
  const page = document.getPage(Number(pageArg) - 1);
  const image = await page.render({ scale: Number(scaleArg), render: "bitmap", colorSpace: "BGRA", transparent: false });
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.data.length; i += 4) {
    png.data[i] = image.data[i + 2];
    png.data[i + 1] = image.data[i + 1];
    png.data[i + 2] = image.data[i];
    png.data[i + 3] = 255;
  }
  await writeFile(output, PNG.sync.write(png, { colorType: 6 }));
  console.log(`${output}: page ${pageArg} of ${document.getPageCount()}, ${image.width}x${image.height}`);
  document.destroy();
} finally {
  library.destroy();
}
