// Reads a JSON array of images ({width, height, rgba: base64 of width*height*4 bytes}) on
// stdin and writes, for each, what jsQR reads in it: {found, version, bytes (base64)}.
// Only dark modules on a light background are looked for, as a phone's scanner does.
import jsQR from "jsqr";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((img) => {
  const rgba = new Uint8ClampedArray(Buffer.from(img.rgba, "base64"));
  const r = jsQR(rgba, img.width, img.height, { inversionAttempts: "dontInvert" });
  if (!r) return { found: false };
  return { found: true, version: r.version, bytes: Buffer.from(r.binaryData).toString("base64") };
});
process.stdout.write(JSON.stringify(out));
