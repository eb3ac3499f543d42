// Exclusive XML canonicalization (runtime/sts/xml.ts): expected forms from the
// exc-c14n rules, the "canonical by construction" invariant of the elements
// the signer writes, and agreement with xmlsec1 (libxml2's c14n) on tricky
// embedded XML: a signature over it only verifies if both canonicalize alike.
import { describe, expect, it } from "vitest";
import { canonicalize, parseXml, XmlSyntaxError } from "../../runtime/sts/xml.js";
import { sealMessage, SigningKey, SOAPENV_NS, WSU_NS } from "../../runtime/sts/wsse.js";
import { makeKeyPair, xmlsecVerify } from "../fixtures/sts/keys.js";

const c14n = (xml: string, ns?: Record<string, string>) => canonicalize(parseXml(xml, ns ? { namespaces: ns } : {}).root);

describe("exclusive canonicalization", () => {
  it("orders declarations by prefix and attributes by namespace URI then local name; expands empty elements", () => {
    expect(c14n(`<a:x xmlns:b="B" xmlns:a="A" b:z="1" y="2" a:w="3"/>`)).toBe(`<a:x xmlns:a="A" xmlns:b="B" y="2" a:w="3" b:z="1"></a:x>`);
  });

  it("keeps only visibly used namespaces, declared where first used and not again", () => {
    expect(c14n(`<r xmlns:u="U" xmlns:p="P"><p:c><p:d xmlns:p="P"/></p:c></r>`)).toBe(`<r><p:c xmlns:p="P"><p:d></p:d></p:c></r>`);
    // A namespace used only inside an attribute value (a QName) is not visibly used.
    expect(c14n(`<r xmlns:xs="X" xmlns:xsi="I"><v xsi:type="xs:string">s</v></r>`)).toBe(`<r><v xmlns:xsi="I" xsi:type="xs:string">s</v></r>`);
  });

  it("emits xmlns=\"\" only to undo a rendered default namespace", () => {
    expect(c14n(`<r xmlns="D"><c xmlns=""/></r>`)).toBe(`<r xmlns="D"><c xmlns=""></c></r>`);
    expect(c14n(`<p:r xmlns:p="P"><c xmlns=""/></p:r>`)).toBe(`<p:r xmlns:p="P"><c></c></p:r>`);
  });

  it("resolves prefixes declared outside the fragment, declaring them where used", () => {
    expect(c14n(`<m xmlns="urn:vim25"><v xsi:type="xsd:string">a</v></m>`, { xsi: "I", xsd: "X" })).toBe(
      `<m xmlns="urn:vim25"><v xmlns:xsi="I" xsi:type="xsd:string">a</v></m>`,
    );
  });

  it("escapes text and attributes as c14n prescribes; normalizes line ends and attribute whitespace", () => {
    expect(c14n(`<t a="q&quot;&gt;&#9;&#10;&#13;\tx\ny">a &amp; b &lt; &gt; "q" 'x' &#13;\r\nz</t>`)).toBe(
      `<t a="q&quot;>&#x9;&#xA;&#xD; x y">a &amp; b &lt; &gt; "q" 'x' &#xD;\nz</t>`,
    );
  });

  it("drops comments, keeps processing instructions, turns CDATA into escaped text", () => {
    expect(c14n(`<t><!-- gone --><?pi  some data?><![CDATA[<raw> & ]]></t>`)).toBe(`<t><?pi some data?>&lt;raw&gt; &amp; </t>`);
  });

  it("rejects what it cannot read faithfully, naming the problem", () => {
    expect(() => parseXml(`<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>`)).toThrow(/DOCTYPE is not allowed/);
    expect(() => parseXml(`<p:x/>`)).toThrow(/unbound namespace prefix "p"/);
    expect(() => parseXml(`<x><y></x>`)).toThrow(/expected <\/y>, found <\/x>/);
    expect(() => parseXml(`<x>&nbsp;</x>`)).toThrow(XmlSyntaxError);
    expect(() => parseXml(`<x a="1" a="2"/>`)).toThrow(/duplicate attribute/);
    expect(() => parseXml(`<x/><y/>`)).toThrow(/second root element/);
    expect(() => parseXml(`<x>`)).toThrow(/ends before <\/x>/);
  });

  it("the elements the signer writes are already canonical (the invariant it relies on)", () => {
    const kp = makeKeyPair();
    const key = SigningKey.from(kp.certificate, kp.privateKey);
    const { header } = sealMessage(`<m xmlns="urn:x"></m>`, { namespaces: { soapenv: SOAPENV_NS }, soapPrefix: "soapenv", sign: { key, reference: { kind: "certificate" } } });
    const parsed = parseXml(header);
    const byLocal = (local: string) => {
      const stack = [parsed.root];
      while (stack.length) {
        const el = stack.pop()!;
        if (el.local === local) return el;
        for (const c of el.children) if (c.kind === "element") stack.push(c);
      }
      throw new Error(`no ${local}`);
    };
    for (const local of ["Timestamp", "SignedInfo"]) {
      const el = byLocal(local);
      const written = parsed.source.slice(el.start, el.end);
      expect(canonicalize(el)).toBe(written);
    }
    expect(byLocal("Timestamp").ns).toBe(WSU_NS);
  });

  it("agrees with xmlsec1 on tricky embedded XML (the signature over it verifies)", () => {
    const kp = makeKeyPair();
    const key = SigningKey.from(kp.certificate, kp.privateKey);
    const tricky =
      `<RequestSecurityToken xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><RenewTarget>` +
      `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_x" Version="2.0">` +
      `<!-- a comment --><saml2:Attribute  Name = 'a&amp;b' z="&#9;t&#10;" a="x\ty" xml:lang="en"><saml2:AttributeValue xsi:type="xs:string">v &lt; w &gt; "q"\r\nline&#13;</saml2:AttributeValue></saml2:Attribute>` +
      `<plain xmlns="">no namespace<![CDATA[ <cdata> & ]]></plain><d:deep xmlns:d="urn:d" xmlns:unused="urn:u"><d:deeper xmlns:d="urn:d" d:at="1"/></d:deep>` +
      `<?target instruction?></saml2:Assertion></RenewTarget></RequestSecurityToken>`;
    const namespaces = { soapenv: SOAPENV_NS, xsi: "http://www.w3.org/2001/XMLSchema-instance" };
    const sealed = sealMessage(tricky, { namespaces, soapPrefix: "soapenv", sign: { key, reference: { kind: "certificate" } } });
    const envelope = (body: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}" xmlns:xsi="${namespaces.xsi}"><soapenv:Header>${sealed.header}</soapenv:Header>` +
      `<soapenv:Body${sealed.bodyAttributes}>${body}</soapenv:Body></soapenv:Envelope>`;
    const ok = xmlsecVerify(envelope(tricky), kp.certFile);
    expect(ok.output).toContain("SignedInfo References (ok/all): 2/2");
    expect(ok.ok).toBe(true);
    // Changing a single character of it breaks the signature.
    expect(xmlsecVerify(envelope(tricky.replace("no namespace", "no namespacf")), kp.certFile).ok).toBe(false);
  });
});
