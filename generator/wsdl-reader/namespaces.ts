export const XSD_NS = "http://www.w3.org/2001/XMLSchema";
export const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
export const SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/";
export const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** XML Schema's built-in types: a reference into the XSD namespace must name one of these. */
export const XSD_BUILTINS: ReadonlySet<string> = new Set(
  (
    "anyType anySimpleType string boolean decimal float double duration dateTime time date gYearMonth gYear " +
    "gMonthDay gDay gMonth hexBinary base64Binary anyURI QName NOTATION normalizedString token language NMTOKEN " +
    "NMTOKENS Name NCName ID IDREF IDREFS ENTITY ENTITIES integer nonPositiveInteger negativeInteger long int " +
    "short byte nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
  ).split(" "),
);
