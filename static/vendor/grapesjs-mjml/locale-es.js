/* grapesjs-mjml/locale/es.js from the npm package, wrapped for browsers by Pregón: the CommonJS
   module runs unchanged inside a function and its export becomes window.grapesjsMjmlLocales.es. */
(function (exports) {
"use strict";

Object.defineProperty(exports, "__esModule", {
  value: true
});
exports.default = void 0;
var _default = exports.default = {
  'grapesjs-mjml': {
    category: '',
    panels: {
      buttons: {
        undo: 'Deshacer',
        redo: 'Rehacer',
        desktop: 'Escritorio',
        tablet: 'Tableta',
        mobile: 'Móvil',
        import: 'Importar MJML'
      },
      import: {
        title: 'Importar MJML',
        button: 'Importar',
        label: 'Etiqueta'
      },
      export: {
        title: 'Exportar MJML'
      }
    },
    components: {
      names: {
        body: 'Cuerpo',
        button: 'Botón',
        column: 'Columna',
        oneColumn: '1 Columna',
        twoColumn: '2 Columnas',
        threeColumn: '3 Columnas',
        divider: 'Divisor',
        group: 'Grupo',
        hero: 'Hero',
        image: 'Imagen',
        navBar: 'Barra navegación',
        navLink: 'Enlace barra navegación',
        section: 'Sección',
        socialGroup: 'Grupo Social',
        socialElement: 'Elemento Social',
        spacer: 'Separador',
        text: 'Texto',
        wrapper: 'Envoltura'
      }
    }
  }
};
window.grapesjsMjmlLocales = window.grapesjsMjmlLocales || {};
window.grapesjsMjmlLocales.es = exports.default;
})({});
