// Spanish for what the visual editor's style panel would show in English: the names that
// grapesjs-mjml gives its properties, the parts of composite properties (ids ending in -sub)
// and the options of lists, which GrapesJS's own Spanish locale (vendor/grapesjs/locale-es.js)
// lacks. visual-editor.js adds these messages to that locale when the page is in Spanish.
"use strict";

(() => {
  const sides = { top: "Arriba", right: "Derecha", bottom: "Abajo", left: "Izquierda" };
  const alignments = { left: "Izquierda", center: "Centro", right: "Derecha", justify: "Justificado" };
  const borderStyles = {
    none: "Ninguno",
    solid: "Continuo",
    dotted: "Punteado",
    dashed: "Discontinuo",
    double: "Doble",
    groove: "Acanalado",
    ridge: "En relieve",
    inset: "Hundido",
    outset: "Resaltado",
  };

  const properties = {
    "min-height": "Altura mínima",
    // The vendor's Spanish keeps these English.
    padding: "Relleno",
    "vertical-align": "Alineación vertical",
    "icon-size": "Tamaño del icono",
    align: "Alineación",
    "text-decoration": "Decoración del texto",
    "font-style": "Estilo de letra",
    "container-background-color": "Color de fondo del contenedor",
    "background-url": "Imagen de fondo",
    "border-top-left-radius-sub": "Arriba a la izquierda",
    "border-top-right-radius-sub": "Arriba a la derecha",
    "border-bottom-right-radius-sub": "Abajo a la derecha",
    "border-bottom-left-radius-sub": "Abajo a la izquierda",
    "border-width-sub": "Grosor",
    "border-style-sub": "Estilo",
    "border-color-sub": "Color",
    "border-detached": "Borde por partes",
  };
  for (const [side, name] of Object.entries(sides)) {
    properties[`margin-${side}-sub`] = name;
    properties[`padding-${side}-sub`] = name;
  }

  window.pregonEditorLocales = window.pregonEditorLocales || {};
  window.pregonEditorLocales.es = {
    styleManager: {
      properties: properties,
      options: {
        "vertical-align": { top: "Arriba", middle: "Centro", bottom: "Abajo" },
        "font-weight": {
          100: "Fina",
          200: "Extraligera",
          300: "Ligera",
          400: "Normal",
          500: "Media",
          600: "Seminegrita",
          700: "Negrita",
          800: "Extranegrita",
          900: "Ultranegrita",
        },
        "text-align": alignments,
        align: alignments,
        "text-decoration": { none: "Ninguna", underline: "Subrayado", "line-through": "Tachado" },
        "font-style": { normal: "Normal", italic: "Cursiva" },
        "background-repeat": {
          repeat: "Repetir",
          "repeat-x": "Repetir en horizontal",
          "repeat-y": "Repetir en vertical",
          "no-repeat": "No repetir",
        },
        "background-size": { auto: "Automático", cover: "Cubrir", contain: "Contener" },
        "border-style": borderStyles,
        "border-style-sub": borderStyles,
      },
    },
  };
})();
