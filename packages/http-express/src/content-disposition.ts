/** `?download` and `?download=name`: an attachment, with the name in RFC 6266 / RFC 5987 form. */
export function contentDisposition(filename: string): string {
  if (filename === '') return 'attachment';
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
